#include "exporters/webhook/webhook_sink_builder.h"

#include <gtest/gtest.h>

#include "exporters/formats/native_json.h"
#include "exporters/webhook/webhook_url.h"
#include "tests/unit/exporters_file/temp_dir.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"
#include "tests/unit/exporters_webhook/test_receiver.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::TempDir;
using apisensor::testing::WriteFile;

std::unique_ptr<Sink> BuildFromYaml(const std::string& yaml) {
  const config::YamlReader reader("export.yaml");
  const YAML::Node node = reader.Parse(yaml);
  std::unique_ptr<SinkBuilder> builder = MakeWebhookSinkBuilder();
  std::map<std::string, config::YamlReader::Handler> keys;
  builder->AddKeys(reader, keys);
  reader.Section(node, "sinks[0]", keys);
  return builder->Build(reader, "sinks[0]", SinkOptions{}, std::make_unique<NativeJsonFormatter>());
}

std::string ErrorOf(const std::string& yaml) {
  try {
    BuildFromYaml(yaml);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(built)";
}

class WebhookSinkBuilderTest : public ::testing::Test {
 protected:
  WebhookSinkBuilderTest()
      : tls_(apisensor::testing::MakeSelfSignedCertificate(dir_.path(), "receiver")) {
    WriteFile(secret_, "builder-key\n");  // as `echo builder-key > file` writes it
    WriteFile(empty_, "\n");
    WriteFile(not_pem_, "hello\n");
  }

  TempDir dir_;
  apisensor::testing::TlsFiles tls_;
  const std::string secret_ = dir_ / "secret";
  const std::string empty_ = dir_ / "empty";
  const std::string not_pem_ = dir_ / "not.pem";
};

TEST_F(WebhookSinkBuilderTest, TakesJsonByDefaultAndOcsf) {
  EXPECT_EQ(MakeWebhookSinkBuilder()->formats(), (std::vector<std::string_view>{"json", "ocsf"}));
}

TEST_F(WebhookSinkBuilderTest, BuildsAWorkingSinkFromItsKeys) {
  apisensor::testing::WebhookReceiver receiver("builder-key", &tls_);
  std::unique_ptr<Sink> sink =
      BuildFromYaml("url: https://localhost:" + std::to_string(receiver.port()) + "/in\n" +
                    "secret_file: " + secret_ + "\n" + "ca_file: " + tls_.cert + "\n" +
                    "timeout_ms: 3000\n"
                    "insecure_skip_verify: false\n"
                    "headers: {X-Tenant: blue, Authorization: Bearer abc}\n");
  const std::vector<ExportItemPtr> items = {
      apisensor::testing::Item(apisensor::testing::SampleFinding())};
  const DeliveryResult r = sink->Deliver(items);
  ASSERT_EQ(r.outcome, Delivery::kDelivered) << r.error;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].signature_ok) << "the key is the file without its line break";
  EXPECT_EQ(requests[0].target, "/in");
  EXPECT_EQ(requests[0].headers.find("Authorization")->second, "Bearer abc");
  EXPECT_EQ(requests[0].headers.find("X-Tenant")->second, "blue");
}

TEST_F(WebhookSinkBuilderTest, EachMistakeIsOneSentence) {
  const std::string secret = "secret_file: " + secret_ + "\n";
  const std::string url = "url: https://siem.example:8443/hook\n";
  EXPECT_EQ(ErrorOf(secret), "export.yaml: sinks[0].url is required");
  EXPECT_EQ(ErrorOf(url),
            "export.yaml: sinks[0].secret_file is required: the receiver checks "
            "X-Apisensor-Signature with the key it holds");
  EXPECT_EQ(ErrorOf(url + secret + "urll: x\n"),
            "export.yaml: sinks[0].urll is not a setting (known: ca_file, headers, "
            "insecure_skip_verify, secret_file, timeout_ms, url)");
  EXPECT_EQ(ErrorOf("url: ftp://siem.example/\n" + secret),
            "export.yaml: sinks[0].url must start with http:// or https://");
  EXPECT_EQ(ErrorOf("url: siem.example:8443\n" + secret),
            "export.yaml: sinks[0].url must start with http:// or https://");
  EXPECT_EQ(ErrorOf("url: https://siem.example:0/\n" + secret),
            "export.yaml: sinks[0].url has a port that is not between 1 and 65535");
  EXPECT_EQ(ErrorOf("url: https://user:pw@siem.example/\n" + secret),
            "export.yaml: sinks[0].url must not carry a user or password (put credentials in "
            "secret_file or headers)");
  EXPECT_EQ(ErrorOf("url: https:///hook\n" + secret), "export.yaml: sinks[0].url has no host");
  EXPECT_EQ(ErrorOf(url + "secret_file: " + dir_ / "missing" + "\n"),
            "export.yaml: sinks[0].secret_file cannot read " + dir_ / "missing");
  EXPECT_EQ(ErrorOf(url + "secret_file: " + empty_ + "\n"),
            "export.yaml: sinks[0].secret_file names an empty file: " + empty_);
  EXPECT_EQ(
      ErrorOf(url + secret + "ca_file: " + not_pem_ + "\n"),
      "export.yaml: sinks[0].ca_file must name a readable file of PEM certificates: " + not_pem_);
  EXPECT_EQ(ErrorOf("url: http://siem.example/\n" + secret + "ca_file: " + tls_.cert + "\n"),
            "export.yaml: sinks[0].ca_file applies to https urls only");
  EXPECT_EQ(ErrorOf("url: http://siem.example/\n" + secret + "insecure_skip_verify: true\n"),
            "export.yaml: sinks[0].insecure_skip_verify applies to https urls only");
  EXPECT_EQ(ErrorOf(url + secret + "timeout_ms: 5\n"),
            "export.yaml: sinks[0].timeout_ms must be between 100 and 600000");
  EXPECT_EQ(ErrorOf(url + secret + "headers: {Content-Type: text/plain}\n"),
            "export.yaml: sinks[0].headers.Content-Type is set by the sink itself and cannot be "
            "overridden");
  EXPECT_EQ(ErrorOf(url + secret + "headers: {X-Apisensor-Signature: x}\n"),
            "export.yaml: sinks[0].headers.X-Apisensor-Signature is set by the sink itself and "
            "cannot be overridden");
  EXPECT_EQ(ErrorOf(url + secret + "headers: {\"Bad Name\": x}\n"),
            "export.yaml: sinks[0].headers.Bad Name is not a valid header name");
  EXPECT_EQ(ErrorOf(url + secret + "headers: {X-A: \"a\\r\\nX-B: b\"}\n"),
            "export.yaml: sinks[0].headers.X-A must not contain a line break");
  EXPECT_EQ(ErrorOf(url + secret + "headers: [a]\n"),
            "export.yaml: sinks[0].headers must be a mapping of header names to values");
  EXPECT_EQ(ErrorOf(url + secret), "(built)");  // nothing is contacted before the first batch
}

TEST_F(WebhookSinkBuilderTest, CredentialHeadersTravelInClearOnlyToThisMachine) {
  const std::string secret = "secret_file: " + secret_ + "\n";
  EXPECT_EQ(ErrorOf("url: http://soar.example/hook\n" + secret +
                    "headers: {X-Tenant: blue, X-Api-Key: k}\n"),
            "export.yaml: sinks[0].headers.X-Api-Key looks like a credential, which http:// to "
            "another machine would send in clear: use an https:// url (http:// takes it only for "
            "this machine)");
  EXPECT_EQ(ErrorOf("url: http://soar.example/hook\n" + secret + "headers: {Authorization: x}\n"),
            "export.yaml: sinks[0].headers.Authorization looks like a credential, which http:// "
            "to another machine would send in clear: use an https:// url (http:// takes it only "
            "for this machine)");
  EXPECT_EQ(ErrorOf("url: http://soar.example/hook\n" + secret + "headers: {X-Tenant: blue}\n"),
            "(built)");
  EXPECT_EQ(ErrorOf("url: http://[::1]:9/hook\n" + secret + "headers: {Authorization: x}\n"),
            "(built)");
  EXPECT_EQ(ErrorOf("url: https://soar.example/hook\n" + secret + "headers: {Authorization: x}\n"),
            "(built)");
}

TEST(WebhookUrl, ReadsEveryPart) {
  std::string error;
  auto url = ParseWebhookUrl("HTTPS://[::1]:9443/a/b?c=d", error);
  ASSERT_TRUE(url) << error;
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9443);
  EXPECT_EQ(url->target, "/a/b?c=d");
  EXPECT_EQ(url->origin(), "https://[::1]:9443");  // never the path or query

  url = ParseWebhookUrl("http://siem.example?token=x", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/?token=x");
  EXPECT_EQ(url->origin(), "http://siem.example:80");

  for (const char* bad :
       {"http://siem.example:/", "http://[::1/", "http://[::1]x/", "http://siem.example:99999/",
        "http://a b/", "http://siem.example/#x", "http://siem.example:8x/"}) {
    EXPECT_FALSE(ParseWebhookUrl(bad, error)) << bad;
  }
  // Which colon would start the port is ambiguous: the URL must bracket the address.
  EXPECT_FALSE(ParseWebhookUrl("http://fe80::1:8080/", error));
  EXPECT_EQ(error, "has an IPv6 address without brackets (write it as [address]:port)");
}

}  // namespace
}  // namespace apisensor::exporters
