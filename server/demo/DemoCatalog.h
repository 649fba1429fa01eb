// The fixed vocabulary of the demo: which services act on which objects, who the people are,
// which clients they use. Realistic enough that jq/grep demos look like a real account.
#pragma once

#include <cstddef>

namespace atd::demo {

struct ActionSpec {
    const char* action;       // service.object.verb
    const char* serviceName;  // as it appears in messages
    const char* typeURI;      // target.typeURI
    const char* targetName;   // stem of target names, e.g. "bucket" -> "bucket-logs-3"
    const char* method;       // HTTP verb in requestData
    const char* path;         // request path in requestData
    bool dataEvent;
    unsigned weight;  // relative frequency
};

inline constexpr ActionSpec kActions[] = {
    {"iam-groups.member.add", "IAM Access Groups", "iam-groups/member", "auditors", "PUT",
     "/v2/groups/members", false, 3},
    {"iam-groups.member.remove", "IAM Access Groups", "iam-groups/member", "auditors", "DELETE",
     "/v2/groups/members", false, 1},
    {"iam-groups.group.create", "IAM Access Groups", "iam-groups/group", "team", "POST",
     "/v2/groups", false, 1},
    {"iam-identity.apikey.create", "IAM Identity Service", "iam-identity/apikey", "deploy-key",
     "POST", "/v1/apikeys", false, 2},
    {"iam-identity.apikey.delete", "IAM Identity Service", "iam-identity/apikey", "deploy-key",
     "DELETE", "/v1/apikeys", false, 1},
    {"iam-identity.user-apikey.login", "IAM Identity Service", "iam-identity/user-apikey",
     "cli-key", "POST", "/identity/token", false, 8},
    {"iam-identity.serviceid.create", "IAM Identity Service", "iam-identity/serviceid",
     "ci-pipeline", "POST", "/v1/serviceids", false, 1},
    {"iam-am.policy.create", "IAM Access Management", "iam-am/policy", "viewer-policy", "POST",
     "/v1/policies", false, 1},
    {"iam-am.policy.delete", "IAM Access Management", "iam-am/policy", "viewer-policy", "DELETE",
     "/v1/policies", false, 1},
    {"cloud-object-storage.bucket.read", "Cloud Object Storage", "cloud-object-storage/bucket",
     "bucket-logs", "GET", "/buckets", false, 10},
    {"cloud-object-storage.bucket.create", "Cloud Object Storage", "cloud-object-storage/bucket",
     "bucket-backup", "PUT", "/buckets", false, 1},
    {"cloud-object-storage.bucket-acl.read", "Cloud Object Storage", "cloud-object-storage/bucket",
     "bucket-web", "GET", "/buckets/acl", false, 2},
    {"cloud-object-storage.object.read", "Cloud Object Storage", "cloud-object-storage/object",
     "report.csv", "GET", "/objects", true, 14},
    {"cloud-object-storage.object.write", "Cloud Object Storage", "cloud-object-storage/object",
     "export.json", "PUT", "/objects", true, 8},
    {"cloud-object-storage.object.delete", "Cloud Object Storage", "cloud-object-storage/object",
     "tmp.parquet", "DELETE", "/objects", true, 2},
    {"containers-kubernetes.cluster.update", "Kubernetes Service", "containers-kubernetes/cluster",
     "cluster", "PATCH", "/v2/updateCluster", false, 2},
    {"containers-kubernetes.cluster.read", "Kubernetes Service", "containers-kubernetes/cluster",
     "cluster", "GET", "/v2/getCluster", false, 9},
    {"containers-kubernetes.worker.reload", "Kubernetes Service", "containers-kubernetes/worker",
     "worker", "POST", "/v2/reloadWorker", false, 1},
    {"containers-kubernetes.cluster-config.read", "Kubernetes Service",
     "containers-kubernetes/cluster", "cluster", "GET", "/v2/getClusterConfig", false, 4},
    {"kms.secrets.wrap", "Key Protect", "kms/secrets", "root-key", "POST", "/api/v2/keys/wrap",
     true, 9},
    {"kms.secrets.unwrap", "Key Protect", "kms/secrets", "root-key", "POST", "/api/v2/keys/unwrap",
     true, 9},
    {"kms.secrets.create", "Key Protect", "kms/secrets", "root-key", "POST", "/api/v2/keys", false,
     1},
    {"kms.secrets.rotate", "Key Protect", "kms/secrets", "root-key", "POST", "/api/v2/keys/rotate",
     false, 1},
    {"secrets-manager.secret.read", "Secrets Manager", "secrets-manager/secret", "db-password",
     "GET", "/api/v2/secrets", true, 5},
    {"resource-controller.instance.create", "Resource Controller", "resource-controller/instance",
     "service-instance", "POST", "/v2/resource_instances", false, 1},
    {"resource-controller.instance.delete", "Resource Controller", "resource-controller/instance",
     "service-instance", "DELETE", "/v2/resource_instances", false, 1},
    {"databases-for-postgresql.backup.create", "Databases for PostgreSQL",
     "databases-for-postgresql/backup", "pg-main", "POST", "/v5/ibm/deployments/backups", false, 1},
    {"is.instance.start", "VPC Infrastructure", "is/instance", "vsi", "POST",
     "/v1/instances/actions", false, 2},
    {"codeengine.app.update", "Code Engine", "codeengine/app", "frontend", "PATCH",
     "/v2/projects/apps", false, 2},
    {"event-streams.topic.create", "Event Streams", "event-streams/topic", "orders", "POST",
     "/admin/topics", false, 1},
    {"schematics.workspace.apply", "Schematics", "schematics/workspace", "landing-zone", "PUT",
     "/v1/workspaces/apply", false, 1},
};

struct Person {
    const char* first;
    const char* last;
};

inline constexpr Person kPeople[] = {
    {"alice", "martin"}, {"bruno", "lefevre"}, {"chloe", "dubois"},  {"david", "nguyen"},
    {"emma", "schmidt"}, {"farid", "haddad"},  {"grace", "oconnor"}, {"hiro", "tanaka"},
    {"ines", "garcia"},  {"jonas", "berg"},    {"karin", "holm"},    {"lucas", "moreau"},
};

inline constexpr const char* kAgents[] = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "IBM Cloud CLI 2.20.0 / darwin",
    "IBM Cloud CLI 2.19.0 / linux",
    "Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-ibm/1.58.1",
    "kubectl/v1.28.3 (linux/amd64) kubernetes/a8a1abc",
    "Go-http-client/2.0",
    "python-requests/2.31.0",
    "curl/8.4.0",
};

struct Reason {
    int code;
    const char* type;
};
inline constexpr Reason kFailures[] = {
    {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {403, "Forbidden"},
    {404, "Not Found"},   {404, "Not Found"},    {409, "Conflict"},  {500, "Internal Server Error"},
};

inline constexpr const char* kOrgNames[] = {"acme", "globex"};
inline constexpr const char* kSpaceNames[] = {"dev",       "staging", "prod", "qa",   "sandbox",
                                              "analytics", "ml",      "ops",  "edge", "data"};

}  // namespace atd::demo
