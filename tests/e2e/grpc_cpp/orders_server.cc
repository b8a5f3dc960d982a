// shop.Orders over h2c for the e2e tests: prints the port it listens on, serves until killed.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>

#include "orders.grpc.pb.h"

namespace {

class OrdersService final : public shop::Orders::Service {
  grpc::Status Get(grpc::ServerContext*, const shop::OrderId* request,
                   shop::Order* reply) override {
    if (request->id() == 404) return {grpc::StatusCode::NOT_FOUND, "order not found"};
    reply->set_id(request->id());
    reply->set_name("ada");
    return grpc::Status::OK;
  }
  grpc::Status List(grpc::ServerContext*, const shop::OrderId*,
                    grpc::ServerWriter<shop::OrderId>* writer) override {
    for (uint64_t id = 1; id <= 3; ++id) {
      shop::OrderId out;
      out.set_id(id);
      writer->Write(out);
    }
    return grpc::Status::OK;
  }
  grpc::Status Upload(grpc::ServerContext*, grpc::ServerReader<shop::OrderId>* reader,
                      shop::Count* reply) override {
    shop::OrderId in;
    uint64_t n = 0;
    while (reader->Read(&in)) ++n;
    reply->set_count(n);
    return grpc::Status::OK;
  }
  grpc::Status Chat(grpc::ServerContext*,
                    grpc::ServerReaderWriter<shop::OrderId, shop::OrderId>* stream) override {
    shop::OrderId in;
    while (stream->Read(&in)) {
      shop::OrderId out;
      out.set_id(in.id() + 1);
      stream->Write(out);
    }
    return grpc::Status::OK;
  }
};

}  // namespace

int main() {
  OrdersService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "orders_server: cannot listen\n");
    return 1;
  }
  std::printf("%d\n", port);
  std::fflush(stdout);
  server->Wait();
}
