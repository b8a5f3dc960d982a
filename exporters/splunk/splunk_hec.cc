#include "exporters/splunk/splunk_hec.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>

#include "agent/text/host_port.h"
#include "exporters/splunk/hec_sink.h"

namespace apisensor::exporters {
namespace {

using config::YamlReader;
using Node = const YAML::Node&;
using Where = const std::string&;

std::string LocalHostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// The token alone: surrounding whitespace (a trailing newline from `echo`) is not part of it.
std::string ReadToken(const YamlReader& r, const std::string& where, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) r.Fail(where, "names a file that cannot be read: " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  text.erase(0, start);
  if (text.empty()) r.Fail(where, "names an empty file: put the HEC token in " + path);
  for (char c : text) {
    if (space(c) || std::iscntrl(static_cast<unsigned char>(c))) {
      r.Fail(where, "must name a file holding only the HEC token, on one line: " + path);
    }
  }
  return text;
}

bool HasPemCertificate(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  if (!bio) return false;
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  return cert != nullptr;
}

class SplunkHecBuilder final : public SinkBuilder {
 public:
  std::vector<std::string_view> formats() const override { return {"json", "ocsf"}; }

  void AddKeys(const YamlReader& r, std::map<std::string, YamlReader::Handler>& keys) override {
    auto text = [&r](std::optional<std::string>& field) {
      return [&r, &field](Node v, Where w) { field = r.String(v, w); };
    };
    keys["url"] = text(url_);
    keys["token_file"] = text(token_file_);
    keys["index"] = text(index_);
    keys["source"] = text(source_);
    keys["sourcetype"] = text(sourcetype_);
    keys["host"] = text(host_);
    keys["ca_file"] = text(ca_file_);
    keys["gzip"] = [this, &r](Node v, Where w) { config_.gzip = r.Bool(v, w); };
    keys["ack"] = [this, &r](Node v, Where w) { config_.ack = r.Bool(v, w); };
    keys["insecure_skip_verify"] = [this, &r](Node v, Where w) {
      config_.insecure_skip_verify = r.Bool(v, w);
    };
    keys["ack_timeout_ms"] = [this, &r](Node v, Where w) {
      config_.ack_timeout_ms = r.Number<uint64_t>(v, w, 100, 600'000);
    };
    keys["timeout_ms"] = [this, &r](Node v, Where w) {
      config_.timeout_ms = r.Number<uint64_t>(v, w, 100, 300'000);
    };
    // The builder is not told the format; the default sourcetype depends on it, so it listens
    // to the shared `format:` key after the config has checked it.
    if (auto format = keys.find("format"); format != keys.end()) {
      format->second = [this, &r, checked = format->second](Node v, Where w) {
        checked(v, w);
        config_.metadata.ocsf = r.String(v, w) == "ocsf";
      };
    }
  }

  std::unique_ptr<Sink> Build(const YamlReader& r, const std::string& where,
                              const SinkOptions& options,
                              std::unique_ptr<Formatter> formatter) override {
    (void)options;
    if (!url_) r.Fail(where + ".url", "is required: the HEC address, e.g. https://splunk:8088");
    std::string error;
    std::optional<splunk::HecUrl> url = splunk::ParseHecUrl(*url_, error);
    if (!url) r.Fail(where + ".url", error);
    if (config_.ack && url->ack_path.empty()) {
      r.Fail(where + ".url", "has a path without /services/collector, so ack cannot find " +
                                 std::string("the acknowledgement endpoint"));
    }
    if (!url->tls && (ca_file_ || config_.insecure_skip_verify)) {
      r.Fail(where + ".url",
             "is http://, yet ca_file or insecure_skip_verify is set: use https://");
    }
    if (!url->tls && !text::IsLoopbackHost(url->host)) {
      r.Fail(where + ".url",
             "is http:// to another machine, which would send the HEC token in clear: use "
             "https:// (http:// is taken only for this machine, e.g. a local forwarder)");
    }
    config_.url = std::move(*url);

    if (!token_file_) r.Fail(where + ".token_file", "is required: a file holding the HEC token");
    config_.token_file = *token_file_;
    config_.token = ReadToken(r, where + ".token_file", *token_file_);

    if (ca_file_) {
      if (!HasPemCertificate(*ca_file_)) {
        r.Fail(where + ".ca_file", "names a file without a readable PEM certificate: " + *ca_file_);
      }
      config_.ca_file = *ca_file_;
    }
    if (host_ && host_->empty()) r.Fail(where + ".host", "must not be empty");
    if (source_ && source_->empty()) r.Fail(where + ".source", "must not be empty");
    config_.metadata.host = host_ ? *host_ : LocalHostname();
    if (source_) config_.metadata.source = *source_;
    if (sourcetype_) config_.metadata.sourcetype = *sourcetype_;
    if (index_) config_.metadata.index = *index_;
    return std::make_unique<splunk::HecSink>(std::move(config_), std::move(formatter));
  }

 private:
  splunk::HecSinkConfig config_;
  std::optional<std::string> url_, token_file_, index_, source_, sourcetype_, host_, ca_file_;
};

}  // namespace

std::unique_ptr<SinkBuilder> MakeSplunkHecSinkBuilder() {
  return std::make_unique<SplunkHecBuilder>();
}

}  // namespace apisensor::exporters
