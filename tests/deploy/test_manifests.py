"""Invariants of the rendered Kubernetes manifests (deploy/k8s), for every overlay.

Schemas and policies are checked by scripts/k8s_check.sh (kubernetes-validate, checkov); these tests check what
the design requires of them: meaningful probes, limits, a locked-down pod, no secret values, topic partitions
that fit each stage's maximum replicas, consumer groups and topics that match the services' code, and network
paths that are exactly the ones the architecture needs.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import K8S, OVERLAYS, ROOT, Doc, Rendered

REGISTRY = {t["name"]: t for t in json.loads((ROOT / "contracts" / "schemas" / "topics.json").read_text())}
STAGES = ("ingest", "deid", "harmonize", "qc", "index")
KAFKA = "radcurate-kafka"
MONGO_POD_LABEL = "radcurate-mongo-svc"
#: Secrets the manifests reference; each must be documented in deploy/k8s/README.md.
SECRETS = {
    "radcurate-edge-orthanc": {"username", "password"},
    "radcurate-research-orthanc": {"username", "password"},
    "radcurate-edge-postgres": {"username", "password"},
    "radcurate-research-postgres": {"username", "password"},
    "radcurate-deid-key": {"project-key", "key-id"},
    "radcurate-api-token": {"token"},
    "radcurate-mongo-uri": {"connectionString.standard"},  # written by the MongoDB operator
}
#: (source workload, destination, port) the architecture needs (README "Architecture"); DNS is for every pod.
PATHS = {
    ("ingest", "kafka", 9092), ("ingest", "orthanc-edge", 8042), ("ingest", "mongo", 27017),
    ("deid", "kafka", 9092), ("deid", "orthanc-edge", 8042), ("deid", "orthanc-research", 8042),
    ("harmonize", "kafka", 9092), ("harmonize", "orthanc-research", 8042),
    ("qc", "kafka", 9092), ("qc", "orthanc-research", 8042),
    ("index", "kafka", 9092), ("index", "mongo", 27017),
    ("index-api", "mongo", 27017),
    ("orthanc-edge", "postgres-edge", 5432), ("orthanc-research", "postgres-research", 5432),
}


# ---- helpers ---------------------------------------------------------------------------------------------------

def pod_spec(workload: Doc) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Doc) -> list[dict[str, Any]]:
    return list(pod_spec(workload)["containers"])


def module(workload: Doc) -> str | None:
    """The radcurate module a container runs (`python -m <args[0]>`), None for the servers."""
    args = containers(workload)[0].get("args") or []
    return str(args[0]) if args and str(args[0]).startswith("services.") else None


def radcurate_workloads(overlay: Rendered) -> dict[str, Doc]:
    """{'ingest': Deployment, ..., 'index-api': Deployment}."""
    found = {}
    for deployment in overlay.of_kind("Deployment"):
        mod = module(deployment)
        if mod:
            found["index-api" if mod == "services.index.api" else mod.split(".")[1]] = deployment
    return found


def env_of(overlay: Rendered, container: dict[str, Any]) -> dict[str, str]:
    """Literal values a container gets (ConfigMaps through envFrom, then env); Secret references as '<secret>'."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        (cm,) = [c for c in overlay.of_kind("ConfigMap") if c["metadata"]["name"] == name]
        env.update(cm["data"])
    for var in container.get("env", []):
        env[var["name"]] = var.get("value", "<secret>")
    return env


def port_of(container: dict[str, Any], name_or_number: str | int) -> int:
    if isinstance(name_or_number, int):
        return name_or_number
    (port,) = [p["containerPort"] for p in container["ports"] if p.get("name") == name_or_number]
    return int(port)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions", []):
        present = expr["key"] in labels
        if expr["operator"] == "In" and not (present and labels[expr["key"]] in expr["values"]):
            return False
        if expr["operator"] == "NotIn" and present and labels[expr["key"]] in expr["values"]:
            return False
        if expr["operator"] == "Exists" and not present:
            return False
        if expr["operator"] == "DoesNotExist" and present:
            return False
    return True


def destination(peer: dict[str, Any]) -> str:
    """A name for a NetworkPolicy peer of this design."""
    if "ipBlock" in peer:
        return f"ip:{peer['ipBlock']['cidr']}"
    if "namespaceSelector" in peer:
        return "ns:" + str(peer["namespaceSelector"].get("matchLabels", {}).get("kubernetes.io/metadata.name"))
    labels = peer.get("podSelector", {}).get("matchLabels", {})
    if labels.get("strimzi.io/cluster") == KAFKA:
        return "kafka"
    if labels.get("app") == MONGO_POD_LABEL:
        return "mongo"
    return str(labels.get("app.kubernetes.io/name", labels))


def consumed_by_code(stage: str) -> set[str]:
    """Topics a stage's Faust agents subscribe to, read from services/<stage>/app.py."""
    topics_py = (ROOT / "contracts" / "topics.py").read_text()
    constants = dict(re.findall(r'^(\w+) = Topic\(\s*"([^"]+)"', topics_py, re.M))
    source = (ROOT / "services" / stage / "app.py").read_text()
    found = {constants[name] for name in re.findall(r"raw_topic\(app, (\w+)\)", source)}
    if re.search(r"app\.topic\([^)]*QUARANTINE\.values\(\)", source):
        found |= {name for name, t in REGISTRY.items() if name.startswith("radcurate.quarantine.")}
    return found


# ---- the workloads ------------------------------------------------------------------------------------------

def test_every_overlay_rendered(rendered: dict[str, Rendered]) -> None:
    assert {"dev", "prod"} <= set(rendered)
    for overlay in rendered.values():
        assert set(radcurate_workloads(overlay)) == {*STAGES, "index-api"}, overlay.overlay
        assert overlay.namespace.startswith("radcurate")
        for doc in overlay.docs:
            if doc["kind"] != "Namespace":
                assert doc["metadata"].get("namespace") == overlay.namespace, doc["metadata"]["name"]


def test_pods_are_locked_down(overlay: Rendered) -> None:
    for workload in overlay.workloads():
        name = f"{overlay.overlay}: {workload['kind']}/{workload['metadata']['name']}"
        pod = pod_spec(workload)
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["enableServiceLinks"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "add" not in context["capabilities"], name
            assert ":" in container["image"] and not container["image"].endswith(":latest"), name
            # read-only root filesystem: every process that writes temporary files has /tmp on an emptyDir
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            if module(workload) or "orthanc" in container["image"]:
                volumes = {v["name"]: v for v in pod.get("volumes", [])}
                assert "emptyDir" in volumes[mounts["/tmp"]], name


def test_resources_and_probes(overlay: Rendered) -> None:
    for workload in overlay.workloads():
        for container in containers(workload):
            name = f"{overlay.overlay}: {workload['metadata']['name']}/{container['name']}"
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), name
            assert "livenessProbe" in container and "readinessProbe" in container, name


def test_worker_probes_mean_the_worker_is_consuming(overlay: Rendered) -> None:
    """Workers: readiness GET /healthz on <PREFIX>_WEB_PORT (200 while it holds a group assignment);
    liveness GET /livez, so a long rebalance does not restart the pod."""
    for stage, deployment in radcurate_workloads(overlay).items():
        (container,) = containers(deployment)
        env = env_of(overlay, container)
        if stage == "index-api":
            assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"  # MongoDB reachable
            assert port_of(container, container["readinessProbe"]["httpGet"]["port"]) == int(env["INDEX_API_PORT"])
            assert env["INDEX_API_HOST"] == "0.0.0.0"
            # liveness must not depend on MongoDB, or an outage would restart every API pod
            assert container["livenessProbe"]["httpGet"]["path"] != "/healthz"
            continue
        port = int(env[f"{stage.upper()}_WEB_PORT"])
        assert env["WEB_HOST"] == "0.0.0.0"
        for probe, path in (("startupProbe", "/healthz"), ("readinessProbe", "/healthz"), ("livenessProbe", "/livez")):
            get = container[probe]["httpGet"]
            assert get["path"] == path, (stage, probe)
            assert port_of(container, get["port"]) == port, (stage, probe)
        # joining the group can take a rebalance: the startup probe waits longer than the session timeout
        startup = container["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] > float(env["FAUST_BROKER_SESSION_TIMEOUT"])
        assert env["APP_DATADIR"].startswith("/tmp/"), "Faust's data directory must be on the /tmp emptyDir"


def test_no_secret_values(overlay: Rendered) -> None:
    assert not overlay.of_kind("Secret"), "Secrets are provided out of band, never committed"
    referenced: dict[str, set[str]] = defaultdict(set)
    for workload in overlay.workloads():
        for container in containers(workload):
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    referenced[ref["name"]].add(ref["key"])
                elif re.search(r"PASSWORD|TOKEN|PROJECT_KEY|VAULT_KEY$|MONGO_URI", var["name"]):
                    pytest.fail(f"{workload['metadata']['name']}: {var['name']} must come from a Secret")
    for cm in overlay.of_kind("ConfigMap"):
        for key in cm.get("data", {}):
            assert not re.search(r"PASSWORD|TOKEN|SECRET|PROJECT_KEY|MONGO_URI", key), (cm["metadata"]["name"], key)
    assert dict(referenced) == SECRETS
    readme = (K8S / "README.md").read_text()
    for secret, keys in SECRETS.items():
        assert f"`{secret}`" in readme, f"{secret} is not documented in deploy/k8s/README.md"
        for key in keys:
            assert f"`{key}`" in readme, f"key {key} of {secret} is not documented"


def test_disruption_budgets(overlay: Rendered) -> None:
    budgets = overlay.of_kind("PodDisruptionBudget")
    for deployment in overlay.of_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        assert len(matching) == 1, deployment["metadata"]["name"]
        # never blocks a node drain, even at one replica
        assert matching[0]["spec"].get("maxUnavailable") == 1


# ---- topics, consumer groups, scaling ---------------------------------------------------------------------

def test_topics_file_is_generated_from_the_registry() -> None:
    spec = importlib.util.spec_from_file_location("gen_topics", K8S / "tools" / "gen_topics.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (K8S / "servers" / "topics.yaml").read_text() == gen.render(list(REGISTRY.values())), (
        "servers/topics.yaml is stale: run python deploy/k8s/tools/gen_topics.py")


def test_a_kafka_topic_per_registry_topic(overlay: Rendered) -> None:
    topics = {t["spec"]["topicName"]: t for t in overlay.of_kind("KafkaTopic")}
    assert set(topics) == set(REGISTRY)
    brokers = sum(p["spec"]["replicas"] for p in overlay.of_kind("KafkaNodePool") if "broker" in p["spec"]["roles"])
    for name, topic in topics.items():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == KAFKA
        assert topic["spec"]["partitions"] == REGISTRY[name]["partitions"], name
        assert 1 <= topic["spec"]["replicas"] <= brokers, name
        assert topic["spec"]["config"]["min.insync.replicas"] <= topic["spec"]["replicas"], name


def test_scaled_objects_match_the_services(overlay: Rendered) -> None:
    """One ScaledObject per lag-scaled stage, on its own consumer group and exactly the topics its code reads;
    every consumed topic has at least as many partitions as the stage's maximum replica count."""
    workloads = radcurate_workloads(overlay)
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in overlay.of_kind("ScaledObject")}
    assert set(scaled) == {"deid", "harmonize", "qc", "index"}
    for stage, scaled_object in scaled.items():
        spec = scaled_object["spec"]
        deployment = workloads[stage]
        assert "replicas" not in deployment["spec"], f"{stage}: the HPA owns the replica count"
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        env = env_of(overlay, containers(deployment)[0])
        topics = set()
        for trigger in spec["triggers"]:
            meta = trigger["metadata"]
            assert trigger["type"] == "kafka"
            assert all(isinstance(v, str) for v in meta.values()), f"{stage}: trigger metadata must be strings"
            assert meta["consumerGroup"] == f"radcurate-{stage}"  # the Faust app id
            assert meta["bootstrapServersFromEnv"] == "KAFKA_BOOTSTRAP" and "KAFKA_BOOTSTRAP" in env
            assert meta["offsetResetPolicy"] == "earliest"  # as the services' consumers
            topic = meta["topic"]
            assert topic in REGISTRY, topic
            assert REGISTRY[topic]["partitions"] >= spec["maxReplicaCount"], (
                f"{overlay.overlay}: {topic} has {REGISTRY[topic]['partitions']} partitions, fewer than "
                f"{stage}'s maxReplicaCount {spec['maxReplicaCount']}: idle consumers")
            topics.add(topic)
        assert topics == consumed_by_code(stage), f"{stage}: triggers do not match services/{stage}/app.py"


def test_ingest_polls_from_one_leader(overlay: Rendered) -> None:
    ingest = radcurate_workloads(overlay)["ingest"]
    assert consumed_by_code("ingest") == set()
    assert 1 <= ingest["spec"]["replicas"] <= 2  # the Faust leader polls; the other is a warm standby


def test_kafka_bootstrap_address(overlay: Rendered) -> None:
    config = overlay.configmap("radcurate-config")["data"]
    kafka = overlay.get("Kafka", KAFKA)
    (listener,) = kafka["spec"]["kafka"]["listeners"]
    # fully qualified, because KEDA resolves it from its own namespace
    assert config["KAFKA_BOOTSTRAP"] == f"{KAFKA}-kafka-bootstrap.{overlay.namespace}.svc:{listener['port']}"
    assert int(config["KAFKA_REPLICATION_FACTOR"]) == kafka["spec"]["kafka"]["config"]["default.replication.factor"]


# ---- servers -----------------------------------------------------------------------------------------------

def test_kafka_runs_in_kraft_mode(overlay: Rendered) -> None:
    kafka = overlay.get("Kafka", KAFKA)
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1"
    assert "zookeeper" not in kafka["spec"]
    pools = overlay.of_kind("KafkaNodePool")
    assert all(p["metadata"]["labels"]["strimzi.io/cluster"] == KAFKA for p in pools)
    roles = {r for p in pools for r in p["spec"]["roles"]}
    assert roles == {"controller", "broker"}
    config = kafka["spec"]["kafka"]["config"]
    assert config["auto.create.topics.enable"] is False
    if overlay.overlay == "prod":
        controllers = [p for p in pools if "controller" in p["spec"]["roles"]]
        assert sum(p["spec"]["replicas"] for p in controllers) == 3
        assert config["default.replication.factor"] == 3 and config["min.insync.replicas"] == 2
        for pool in pools:
            volumes = pool["spec"]["storage"]["volumes"]
            assert all(v["type"] == "persistent-claim" and v["deleteClaim"] is False for v in volumes)


def test_mongodb_replica_set(overlay: Rendered) -> None:
    (mongo,) = overlay.of_kind("MongoDBCommunity")
    spec = mongo["spec"]
    assert spec["type"] == "ReplicaSet"
    assert spec["members"] == (3 if overlay.overlay == "prod" else 1)
    assert spec["security"]["authentication"]["modes"] == ["SCRAM"]
    (user,) = spec["users"]
    assert user["connectionStringSecretName"] == "radcurate-mongo-uri"
    assert user["passwordSecretRef"]["name"] == "radcurate-mongo-password"
    config = overlay.configmap("radcurate-config")["data"]
    assert {"name": "readWrite", "db": config["MONGO_DB"]} in user["roles"]
    containers_ = {c["name"] for c in spec["statefulSet"]["spec"]["template"]["spec"]["containers"]}
    assert containers_ == {"mongod", "mongodb-agent"}  # custom resource lists are replaced by patches, not merged


@pytest.mark.parametrize("zone", ["edge", "research"])
def test_orthanc_with_postgresql_index(overlay: Rendered, zone: str) -> None:
    orthanc = overlay.get("StatefulSet", f"orthanc-{zone}")
    (container,) = containers(orthanc)
    assert container["image"].startswith("orthancteam/orthanc:")
    config_map = overlay.configmap(f"orthanc-{zone}-config")
    config = json.loads(config_map["data"]["orthanc.json"])
    assert config["PostgreSQL"]["EnableIndex"] is True
    assert config["PostgreSQL"]["Host"] == f"postgres-{zone}"
    assert overlay.get("Service", f"postgres-{zone}")
    assert config["AuthenticationEnabled"] is True
    if zone == "research":
        assert config["DicomWeb"]["Enable"] is True
    # every ${VAR} of the configuration is set in the container (the image substitutes them)
    env = {v["name"] for v in container["env"]}
    assert set(re.findall(r"\$\{(\w+)\}", config_map["data"]["orthanc.json"])) <= env
    assert not {"ORTHANC_PASSWORD", "VERBOSE_STARTUP"} & env  # an extra 'orthanc' user / credentials in logs
    # persistent volumes for the DICOM files and the index database
    for name in (f"orthanc-{zone}", f"postgres-{zone}"):
        claims = overlay.get("StatefulSet", name)["spec"]["volumeClaimTemplates"]
        assert claims and claims[0]["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_site_registries() -> None:
    assert (K8S / "overlays" / "dev" / "sites.yaml").read_text() == (ROOT / "config" / "sites.yaml").read_text()
    for overlay in OVERLAYS:
        registry = yaml.safe_load((K8S / "overlays" / overlay / "sites.yaml").read_text())
        assert set(registry) == {"version", "sites"}
        for site in registry["sites"]:
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", site["id"])
            assert set(site) <= {"id", "name", "aets", "http_users"}
    if importlib.util.find_spec("services.ingest.sites") is not None and importlib.util.find_spec("pydantic"):
        from services.ingest.sites import load_sites

        for overlay in OVERLAYS:
            load_sites(K8S / "overlays" / overlay / "sites.yaml")


def test_reviewed_rules_files() -> None:
    bundled = ROOT / "services" / "harmonize" / "vocabulary" / "reviewed_rules.yaml"
    assert (K8S / "overlays" / "dev" / "reviewed_rules.yaml").read_text() == bundled.read_text()
    for overlay in OVERLAYS:
        rules = yaml.safe_load((K8S / "overlays" / overlay / "reviewed_rules.yaml").read_text())
        assert set(rules) == {"version", "rules"} and isinstance(rules["rules"], list)
    if importlib.util.find_spec("services.harmonize.review") is not None and importlib.util.find_spec("pydantic"):
        from services.harmonize.review import load_rules

        for overlay in OVERLAYS:
            load_rules(K8S / "overlays" / overlay / "reviewed_rules.yaml")


# ---- network paths -----------------------------------------------------------------------------------------

def test_default_deny_and_dns(overlay: Rendered) -> None:
    policies = {p["metadata"]["name"]: p["spec"] for p in overlay.of_kind("NetworkPolicy")}
    deny = policies["default-deny-all"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    dns = policies["allow-dns"]
    assert dns["podSelector"] == {} and dns["policyTypes"] == ["Egress"]
    assert {p["port"] for rule in dns["egress"] for p in rule["ports"]} == {53}


def test_network_paths_are_the_designs(overlay: Rendered) -> None:
    """Egress of every workload this project runs, and ingress of every server, equal the architecture's paths."""
    policies = [p for p in overlay.of_kind("NetworkPolicy") if p["spec"]["podSelector"]]
    egress: set[tuple[str, str, int]] = set()
    ingress: set[tuple[str, str, int]] = set()
    for workload in overlay.workloads():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        name = labels["app.kubernetes.io/name"]
        selecting = [p for p in policies if selects(p["spec"]["podSelector"], labels)]
        assert selecting, f"{name}: no NetworkPolicy of its own"
        for policy in selecting:
            for rule in policy["spec"].get("egress", []):
                for peer in rule.get("to", [{"ipBlock": {"cidr": "0.0.0.0/0"}}]):
                    egress |= {(name, destination(peer), p["port"]) for p in rule["ports"]}
            for rule in policy["spec"].get("ingress", []):
                for peer in rule.get("from", [{"ipBlock": {"cidr": "0.0.0.0/0"}}]):
                    if "podSelector" in peer and "namespaceSelector" not in peer:
                        sources = [n for n in {*radcurate_workloads(overlay), "orthanc-edge", "orthanc-research"}
                                   if selects(peer["podSelector"], {"app.kubernetes.io/name": n})]
                    else:
                        sources = [destination(peer)]
                    ingress |= {(source, name, p["port"]) for source in sources for p in rule["ports"]}
    assert egress == PATHS
    internal_ingress = {path for path in ingress if not path[0].startswith(("ip:", "ns:"))}
    assert internal_ingress == {path for path in PATHS if path[1] not in ("kafka", "mongo")}
    external = {path for path in ingress if path[0].startswith(("ip:", "ns:"))}
    assert {(dst, port) for _, dst, port in external} == {
        ("orthanc-edge", 4242), ("orthanc-edge", 8042), ("index-api", 8000)}
    # the servers run by operators: Kafka's listener peers and MongoDB's clients
    (listener,) = overlay.get("Kafka", KAFKA)["spec"]["kafka"]["listeners"]
    kafka_clients = {n for n in radcurate_workloads(overlay) for peer in listener["networkPolicyPeers"]
                     if "namespaceSelector" not in peer and selects(peer["podSelector"], {"app.kubernetes.io/name": n})}
    assert kafka_clients == {src for src, dst, _ in PATHS if dst == "kafka"}
    mongo_policy = overlay.get("NetworkPolicy", "radcurate-mongo")["spec"]
    mongo_clients = {n for n in radcurate_workloads(overlay)
                     for rule in mongo_policy["ingress"] for peer in rule["from"]
                     if selects(peer["podSelector"], {"app.kubernetes.io/name": n})}
    assert mongo_clients == {src for src, dst, _ in PATHS if dst == "mongo"}


def test_api_ingress_only_in_prod(rendered: dict[str, Rendered]) -> None:
    (ingress,) = rendered["prod"].of_kind("Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "index-api"
    assert ingress["spec"]["tls"]
    assert not rendered["dev"].of_kind("Ingress")


def test_prod_is_replicated_and_dev_is_small(rendered: dict[str, Rendered]) -> None:
    prod, dev = rendered["prod"], rendered["dev"]
    assert prod.get("Deployment", "index-api")["spec"]["replicas"] == 2
    assert prod.get("Deployment", "ingest")["spec"]["replicas"] == 2
    assert dev.get("Deployment", "ingest")["spec"]["replicas"] == 1
    assert all(s["spec"]["maxReplicaCount"] <= 2 for s in dev.of_kind("ScaledObject"))
    (dev_pool,) = dev.of_kind("KafkaNodePool")
    assert dev_pool["spec"]["replicas"] == 1 and dev_pool["spec"]["storage"]["type"] == "ephemeral"


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT) for p in (K8S).rglob("*.yaml")), ids=str)
def test_sources_parse(path: Path) -> None:
    list(yaml.safe_load_all((ROOT / path).read_text()))
