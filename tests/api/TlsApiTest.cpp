// atd over HTTPS (--tls-cert/--tls-key), verified against the test's own self-signed cert.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "ApiFixture.h"

namespace atdtest {
namespace {

// Writes DIR/cert.pem and DIR/key.pem: a self-signed cert for 127.0.0.1 (CN and IP SAN).
void writeSelfSignedCert(const std::filesystem::path& dir) {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    // v3: extensions (the SAN) need it; GnuTLS (atd's TLS, via libmicrohttpd) refuses a v1
    // certificate that carries them, as RFC 5280 4.1.2.1 says.
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert, key, EVP_sha256());
    FILE* f = std::fopen((dir / "cert.pem").c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen((dir / "key.pem").c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
}

TEST(AtdTls, ServesHttpsWithAVerifiedCertificate) {
    TempDir tmp;
    auto data = tmp.path() / "data";
    writeUsersFile(data);
    writeSelfSignedCert(tmp.path());
    AtdProcess atd(data, {"--tls-cert", (tmp.path() / "cert.pem").string(), "--tls-key",
                          (tmp.path() / "key.pem").string()});
    EXPECT_EQ(atd.url().rfind("https://127.0.0.1:", 0), 0u) << atd.url();
    httplib::SSLClient https("127.0.0.1", atd.port());
    https.set_ca_cert_path((tmp.path() / "cert.pem").c_str());
    https.enable_server_certificate_verification(true);
    auto login = https.Post("/UAALoginServerWAR/oauth/token", {{"Authorization", "Basic Y2Y6"}},
                            "grant_type=password&username=apikey&password=" + kAliceKey,
                            "application/x-www-form-urlencoded");
    ASSERT_TRUE(login) << httplib::to_string(login.error());
    ASSERT_EQ(login->status, 200);
    auto token = nlohmann::json::parse(login->body)["access_token"].get<std::string>();
    auto spaces = https.Get("/v3/spaces", {{"X-Auth-Token", "bearer " + token}});
    ASSERT_TRUE(spaces);
    EXPECT_EQ(nlohmann::json::parse(spaces->body)["spaces"].size(), 2u);
    // Plain HTTP to the TLS port gets no API reply.
    httplib::Client plain("127.0.0.1", atd.port());
    auto res = plain.Get("/v3/spaces");
    EXPECT_TRUE(!res || res->status != 200);
}

TEST(AtdTls, CertWithoutKeyExits1) {
    TempDir tmp;
    writeUsersFile(tmp.path() / "data");
    auto r = runAtd({"serve", "--data", (tmp.path() / "data").string(), "--tls-cert",
                     (tmp.path() / "cert.pem").string()},
                    tmp.path());
    EXPECT_EQ(r.status.code, 1);
    EXPECT_NE(r.err.find("--tls-key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace atdtest
