// Calls every shop.Orders method once (and Get with a missing id), printing what came back in
// the same lines as the python test client.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>

#include "orders.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: orders_client PORT\n");
    return 2;
  }
  auto channel =
      grpc::CreateChannel(std::string("127.0.0.1:") + argv[1], grpc::InsecureChannelCredentials());
  auto stub = shop::Orders::NewStub(channel);

  shop::OrderId id;
  shop::Order order;
  id.set_id(42);
  {
    grpc::ClientContext ctx;
    if (!stub->Get(&ctx, id, &order).ok()) return 1;
    std::printf("get %llu\n", static_cast<unsigned long long>(order.id()));
  }
  {
    grpc::ClientContext ctx;
    id.set_id(404);
    const grpc::Status status = stub->Get(&ctx, id, &order);
    std::printf("get-error %s %s\n",
                status.error_code() == grpc::StatusCode::NOT_FOUND ? "NOT_FOUND" : "?",
                status.error_message().c_str());
  }
  {
    grpc::ClientContext ctx;
    auto reader = stub->List(&ctx, id);
    shop::OrderId out;
    std::string ids;
    while (reader->Read(&out)) ids += (ids.empty() ? "" : ", ") + std::to_string(out.id());
    if (!reader->Finish().ok()) return 1;
    std::printf("list [%s]\n", ids.c_str());
  }
  {
    grpc::ClientContext ctx;
    shop::Count count;
    auto writer = stub->Upload(&ctx, &count);
    for (uint64_t n = 0; n < 4; ++n) {
      id.set_id(n);
      writer->Write(id);
    }
    writer->WritesDone();
    if (!writer->Finish().ok()) return 1;
    std::printf("upload %llu\n", static_cast<unsigned long long>(count.count()));
  }
  {
    grpc::ClientContext ctx;
    auto stream = stub->Chat(&ctx);
    std::string ids;
    for (uint64_t n : {1, 10}) {
      id.set_id(n);
      stream->Write(id);
      shop::OrderId out;
      if (!stream->Read(&out)) return 1;
      ids += (ids.empty() ? "" : ", ") + std::to_string(out.id());
    }
    stream->WritesDone();
    if (!stream->Finish().ok()) return 1;
    std::printf("chat [%s]\n", ids.c_str());
  }
  return 0;
}
