// TLS: verification is on by default, a caCert makes a self-signed atd trusted, and
// `insecure` skips verification (test servers only).
#include <gtest/gtest.h>

#include "AtdProcess.h"
#include "at/Client.h"

namespace at {
namespace {

using namespace std::chrono_literals;

class AtdTls : public ::testing::Test {
  protected:
    void SetUp() override {
        cert_ = (certs_.path() / "cert.pem").string();
        const std::string key = (certs_.path() / "key.pem").string();
        ASSERT_EQ(
            test::runToCompletion({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                   "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                                   "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert_}),
            0);
        atd_ = std::make_unique<test::Atd>(
            std::vector<std::string>{"--tls-cert", cert_, "--tls-key", key});
        ASSERT_EQ(atd_->endpoint().rfind("https://", 0), 0u) << atd_->endpoint();
    }

    test::TempDir certs_;
    std::string cert_;
    std::unique_ptr<test::Atd> atd_;
};

TEST_F(AtdTls, SelfSignedCertificateIsRefusedByDefault) {
    Client client(atd_->options());
    const auto begin = std::chrono::steady_clock::now();
    try {
        client.spaces();
        FAIL() << "an unverifiable certificate was accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Network) << e.what();
        EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
    }
    // Verification failures are not retried: no backoff to sit through.
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST_F(AtdTls, CaCertMakesItTrusted) {
    ClientOptions o = atd_->options();
    o.caCert = cert_;
    Client client(o);
    EXPECT_EQ(client.spaces().user, "demo@example.com");
}

TEST_F(AtdTls, InsecureSkipsVerification) {
    ClientOptions o = atd_->options();
    o.insecure = true;
    Client client(o);
    EXPECT_EQ(client.spaces().user, "demo@example.com");
}

}  // namespace
}  // namespace at
