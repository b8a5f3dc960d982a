#include "exporters/webhook/webhook_sink_builder.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/secrets/credential_headers.h"
#include "agent/text/ascii_case.h"
#include "agent/text/host_port.h"
#include "exporters/webhook/webhook_sink.h"

namespace apisensor::exporters {
namespace {

using config::YamlReader;
using Node = const YAML::Node&;
using Where = const std::string&;

constexpr size_t kMaxSecretBytes = 4096;

// The key is the file's bytes without a trailing line break, so `echo key > file` works.
std::string ReadSecret(const std::string& path, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "cannot read " + path;
    return "";
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxSecretBytes) {
    error = "is larger than 4096 bytes: " + path + " does not look like a key";
    return "";
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    error = "cannot read " + path;
    return "";
  }
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) error = "names an empty file: " + path;
  return secret;
}

// Whether `path` holds at least one PEM certificate, so a wrong file fails at startup.
bool HasCertificate(const std::string& path) {
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (bio == nullptr) return false;
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  const bool found = cert != nullptr;
  X509_free(cert);
  BIO_free(bio);
  return found;
}

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Headers the sink itself sets, or that would change how the body is framed.
bool Reserved(std::string_view name) {
  for (std::string_view r : {"content-type", "content-length", "transfer-encoding", "host",
                             "connection", "user-agent"}) {
    if (text::EqualsIgnoreAsciiCase(name, r)) return true;
  }
  return name.size() >= 12 && text::EqualsIgnoreAsciiCase(name.substr(0, 12), "x-apisensor-");
}

class WebhookSinkBuilder final : public SinkBuilder {
 public:
  std::vector<std::string_view> formats() const override { return {"json", "ocsf"}; }

  void AddKeys(const YamlReader& r, std::map<std::string, YamlReader::Handler>& keys) override {
    keys["url"] = [&](Node v, Where w) {
      std::string error;
      std::optional<WebhookUrl> url = ParseWebhookUrl(r.String(v, w), error);
      if (!url) r.Fail(w, error);
      options_.url = std::move(*url);
      has_url_ = true;
    };
    keys["secret_file"] = [&](Node v, Where w) {
      std::string error;
      options_.secret = ReadSecret(r.String(v, w), error);
      if (!error.empty()) r.Fail(w, error);
      has_secret_ = true;
    };
    keys["ca_file"] = [&](Node v, Where w) {
      options_.ca_file = r.String(v, w);
      if (!HasCertificate(options_.ca_file)) {
        r.Fail(w, "must name a readable file of PEM certificates: " + options_.ca_file);
      }
      ca_where_ = w;
    };
    keys["insecure_skip_verify"] = [&](Node v, Where w) {
      options_.insecure_skip_verify = r.Bool(v, w);
      if (options_.insecure_skip_verify) insecure_where_ = w;
    };
    keys["timeout_ms"] = [&](Node v, Where w) {
      options_.timeout_ms = r.Number<uint64_t>(v, w, 100, 600'000);
    };
    keys["headers"] = [&](Node v, Where w) {
      if (!v.IsMap()) r.Fail(w, "must be a mapping of header names to values");
      for (const auto& entry : v) {
        const std::string name = r.String(entry.first, w);
        const std::string where = w + "." + name;
        if (!IsToken(name)) r.Fail(where, "is not a valid header name");
        if (Reserved(name)) r.Fail(where, "is set by the sink itself and cannot be overridden");
        const std::string value = r.String(entry.second, where);
        if (value.find_first_of("\r\n") != std::string::npos) {
          r.Fail(where, "must not contain a line break");
        }
        options_.headers.emplace_back(name, value);
        if (secrets::ClassifyHeader(text::AsciiLowerCopy(name)) != secrets::CredentialKind::kNone) {
          credential_header_where_ = where;
        }
      }
    };
  }

  std::unique_ptr<Sink> Build(const YamlReader& r, const std::string& where, const SinkOptions&,
                              std::unique_ptr<Formatter> formatter) override {
    if (!has_url_) r.Fail(where + ".url", "is required");
    if (!has_secret_) {
      r.Fail(where + ".secret_file",
             "is required: the receiver checks X-Apisensor-Signature with the key it holds");
    }
    if (!options_.url.https && !ca_where_.empty()) r.Fail(ca_where_, "applies to https urls only");
    if (!options_.url.https && !insecure_where_.empty()) {
      r.Fail(insecure_where_, "applies to https urls only");
    }
    if (!options_.url.https && !credential_header_where_.empty() &&
        !text::IsLoopbackHost(options_.url.host)) {
      r.Fail(credential_header_where_,
             "looks like a credential, which http:// to another machine would send in clear: "
             "use an https:// url (http:// takes it only for this machine)");
    }
    try {
      return std::make_unique<WebhookSink>(options_, std::move(formatter));
    } catch (const std::runtime_error& e) {
      r.Fail(where + ".url", e.what());
    }
  }

 private:
  WebhookOptions options_;
  bool has_url_ = false;
  bool has_secret_ = false;
  std::string ca_where_;
  std::string insecure_where_;
  std::string credential_header_where_;  // the last header whose name says it holds a secret
};

}  // namespace

std::unique_ptr<SinkBuilder> MakeWebhookSinkBuilder() {
  return std::make_unique<WebhookSinkBuilder>();
}

}  // namespace apisensor::exporters
