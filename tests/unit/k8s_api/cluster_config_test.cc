// In-cluster configuration from the environment and the service account files, host mode, and
// the rotating token.
#include "agent/k8s/api/cluster_config.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "tests/unit/exporters_collector/test_pki.h"

namespace apisensor::k8s::api {
namespace {

struct Env {
  std::map<std::string, std::string> vars;
  Getenv getenv() const {
    return [this](const char* name) -> const char* {
      const auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

class ClusterConfigTest : public ::testing::Test {
 protected:
  ServiceAccountPaths Paths() {
    ServiceAccountPaths paths;
    paths.token = dir_.Write("token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n");
    paths.ca = dir_.ca_file();
    paths.namespace_file = dir_.Write("namespace", "apisensor");
    return paths;
  }
  apisensor::testing::TestPki dir_;
};

TEST_F(ClusterConfigTest, HostModeWithoutServiceHost) {
  Env env;
  env.vars["NODE_NAME"] = "node-a";
  EXPECT_FALSE(InClusterConfig(Paths(), env.getenv()));
  EXPECT_EQ(HostModeSentence(),
            "KUBERNETES_SERVICE_HOST is not set, so the agent runs in host mode: processes are "
            "identified without Kubernetes pod metadata.");
}

TEST_F(ClusterConfigTest, InClusterFromEnvironmentAndServiceAccount) {
  Env env;
  env.vars = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
              {"KUBERNETES_SERVICE_PORT", "443"},
              {"NODE_NAME", "node-a"}};
  const ServiceAccountPaths paths = Paths();
  const std::optional<ClusterConfig> config = InClusterConfig(paths, env.getenv());
  ASSERT_TRUE(config);
  EXPECT_EQ(config->host, "10.96.0.1");
  EXPECT_EQ(config->port, 443);
  EXPECT_TRUE(config->tls);
  EXPECT_EQ(config->ca_file, paths.ca);
  EXPECT_EQ(config->token_file, paths.token);
  EXPECT_EQ(config->pod_namespace, "apisensor");
  EXPECT_EQ(config->node_name, "node-a");
  EXPECT_EQ(ApiOrigin(*config), "https://10.96.0.1:443");

  env.vars["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1";
  env.vars["KUBERNETES_SERVICE_PORT"] = "6443";
  EXPECT_EQ(ApiOrigin(*InClusterConfig(paths, env.getenv())), "https://[fd00:10:96::1]:6443");
}

TEST_F(ClusterConfigTest, UnusableConfigurationIsOneSentence) {
  Env env;
  env.vars = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "https"}};
  try {
    InClusterConfig(Paths(), env.getenv());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "KUBERNETES_SERVICE_PORT is \"https\", not a port number between 1 and 65535.");
  }
  env.vars["KUBERNETES_SERVICE_PORT"] = "443";
  ServiceAccountPaths paths = Paths();
  paths.ca = dir_.dir + "/missing-ca.crt";
  try {
    InClusterConfig(paths, env.getenv());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "KUBERNETES_SERVICE_HOST is set but there is no CA certificate at " + paths.ca +
                  ": mount the service account (automountServiceAccountToken: true).");
  }
}

TEST_F(ClusterConfigTest, TokenIsReadAgainAsItRotates) {
  const std::string path = dir_.Write("token", "first\n");
  TokenSource token(path, std::chrono::milliseconds(50));
  EXPECT_EQ(token.Get(), "first");
  dir_.Write("token", "second\n");
  EXPECT_EQ(token.Get(), "first");  // within the re-read interval
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(token.Get(), "second");
  dir_.Write("token", "third");
  token.Invalidate();  // after a 401
  EXPECT_EQ(token.Get(), "third");

  dir_.Write("token", "two\nlines");
  token.Invalidate();
  EXPECT_EQ(token.Get(), "");  // never sent: it would split the request's headers
  EXPECT_NE(token.error().find("is not a single-line token"), std::string::npos);

  TokenSource missing(dir_.dir + "/none", std::chrono::milliseconds(50));
  EXPECT_EQ(missing.Get(), "");
  EXPECT_EQ(missing.error(), "cannot read the service account token at " + dir_.dir +
                                 "/none: No such file or directory");
}

}  // namespace
}  // namespace apisensor::k8s::api
