#!/usr/bin/env python3
"""Checks the deploy files with what runs without Docker or a cluster.

YAML parses; the Kubernetes objects fit together (names, labels, probes on /healthz and
/readyz, two replicas, a non-root user); health, readiness and metrics are on the internal
listener (http.internal_listen) everywhere: the probes and Prometheus point at it, the
webhook Service and compose's published ports carry the public listener only; compose has the
bot and PostgreSQL 16 with a volume; the Dockerfile copies what exists, builds with a
toolchain at least the crate's rust-version, runs as a non-root user with a health check
that asks the internal listener; the ConfigMap's helpdesk.toml passes
`helpdesk config check`; the systemd unit names the right command. With --build it also runs
the Dockerfile's build command (cargo build --release --locked --bin helpdesk).

Usage: python3 deploy/check.py [--binary target/debug/helpdesk] [--build]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")

try:
    import yaml
except ImportError:  # CI installs it from PyPI if the interpreter lacks it
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyyaml"], check=True)
    import yaml

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def port_of(addr):
    """The port of an address such as 0.0.0.0:9090."""
    return int(str(addr).rsplit(":", 1)[1])


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def kubernetes():
    docs = {}
    folder = os.path.join(DEPLOY, "kubernetes")
    for name in sorted(os.listdir(folder)):
        for doc in load_all(os.path.join(folder, name)):
            for key in ("apiVersion", "kind", "metadata"):
                check(key in doc, f"{name}: {key} missing")
            docs[(doc["kind"], doc["metadata"]["name"])] = doc
    deployment = docs.get(("Deployment", "helpdesk"))
    check(deployment is not None, "kubernetes: no Deployment helpdesk")
    if deployment is None:
        return docs
    spec = deployment["spec"]
    check(spec.get("replicas") == 2, "Deployment: 2 replicas")
    labels = spec["template"]["metadata"]["labels"]
    check(spec["selector"]["matchLabels"] == labels, "Deployment: selector matches the pods")
    pod = spec["template"]["spec"]
    check(pod["securityContext"].get("runAsNonRoot") is True, "Deployment: runs as non-root")
    container = pod["containers"][0]
    check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", "liveness on /healthz")
    check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", "readiness on /readyz")
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    internal = env.get("HELPDESK_HTTP_INTERNAL_LISTEN")
    check(internal is not None, "Deployment: HELPDESK_HTTP_INTERNAL_LISTEN is set")
    public = env.get("HELPDESK_HTTP_LISTEN")
    if internal and public:
        check(ports.get("internal") == port_of(internal),
              "Deployment: the port named internal is http.internal_listen's")
        check(ports.get("http") == port_of(public), "Deployment: the port named http is http.listen's")
        check(port_of(internal) != port_of(public), "Deployment: two listeners, two ports")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        check(container[probe]["httpGet"]["port"] == "internal",
              f"Deployment: {probe} asks the internal listener")
    annotations = spec["template"]["metadata"].get("annotations", {})
    if internal:
        check(annotations.get("prometheus.io/port") == str(port_of(internal)),
              "Deployment: pods are scraped on the internal listener")
    secret = container["envFrom"][0]["secretRef"]["name"]
    check(("Secret", secret) in docs, f"Deployment: Secret {secret} exists")
    config = pod["volumes"][0]["configMap"]["name"]
    check(("ConfigMap", config) in docs, f"Deployment: ConfigMap {config} exists")
    service = docs.get(("Service", "helpdesk"))
    check(service is not None, "kubernetes: a Service for the webhooks")
    if service:
        check(service["spec"]["selector"] == labels, "Service: selects the pods")
        check([p["targetPort"] for p in service["spec"]["ports"]] == ["http"],
              "Service helpdesk: the webhooks only, not health or metrics")
    metrics = docs.get(("Service", "helpdesk-internal"))
    check(metrics is not None, "kubernetes: a Service for metrics")
    if metrics:
        check(metrics["spec"]["selector"] == labels, "Service helpdesk-internal: selects the pods")
        annotations = metrics["metadata"].get("annotations", {})
        check(annotations.get("prometheus.io/path") == "/metrics",
              "Service helpdesk-internal: Prometheus scrapes /metrics")
        check([p["targetPort"] for p in metrics["spec"]["ports"]] == ["internal"],
              "Service helpdesk-internal: the internal listener")
        if internal:
            check(annotations.get("prometheus.io/port") == str(port_of(internal)),
                  "Service helpdesk-internal: Prometheus scrapes the internal port")
    return docs


def compose():
    doc = load_all(os.path.join(DEPLOY, "compose.yaml"))[0]
    services = doc["services"]
    check(set(services) >= {"bot", "db"}, "compose: bot and db")
    check(services["db"]["image"] == "postgres:16", "compose: PostgreSQL 16")
    check(any(v.startswith("db-data:") for v in services["db"]["volumes"]), "compose: db volume")
    check("db-data" in doc.get("volumes", {}), "compose: named volume declared")
    build = services["bot"]["build"]
    dockerfile = os.path.normpath(os.path.join(DEPLOY, build["context"], build["dockerfile"]))
    check(os.path.exists(dockerfile), f"compose: {dockerfile} exists")
    check(services["bot"]["env_file"] == ".env", "compose: tokens from .env")
    check(os.path.exists(os.path.join(DEPLOY, ".env.example")), "compose: .env.example exists")
    return services["bot"]


def published(bot, image_env):
    """Compose publishes the webhook port only; health and metrics stay inside."""
    env = dict(image_env)
    env.update(bot.get("environment", {}))
    internal = env.get("HELPDESK_HTTP_INTERNAL_LISTEN")
    public = env.get("HELPDESK_HTTP_LISTEN")
    check(internal is not None, "compose: HELPDESK_HTTP_INTERNAL_LISTEN is set")
    check(public is not None, "compose: HELPDESK_HTTP_LISTEN is set (here or in the image)")
    if not (internal and public):
        return
    container_ports = [port_of(p) for p in bot.get("ports", [])]
    check(container_ports == [port_of(public)], "compose: publishes the webhook port only")
    check(port_of(internal) not in container_ports, "compose: health and metrics not published")


def dockerfile():
    text = open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8").read()
    check(len(re.findall(r"^FROM ", text, re.M)) >= 2, "Dockerfile: multi-stage")
    check(re.search(r"^USER (?!root)\S+", text, re.M) is not None, "Dockerfile: non-root user")
    check("HEALTHCHECK" in text and '"health"' in text, "Dockerfile: health check")
    env = dict(re.findall(r"\b(HELPDESK_[A-Z_]+)=(\S+)", text))
    check("HELPDESK_HTTP_INTERNAL_LISTEN" in env,
          "Dockerfile: HELPDESK_HTTP_INTERNAL_LISTEN is set (the health check asks it)")
    exposed = [int(p) for line in re.findall(r"^EXPOSE (.+)$", text, re.M) for p in line.split()]
    for key in ("HELPDESK_HTTP_LISTEN", "HELPDESK_HTTP_INTERNAL_LISTEN"):
        if key in env:
            check(port_of(env[key]) in exposed, f"Dockerfile: EXPOSE the port of {key}")
    for src in re.findall(r"^COPY (?!--from)(\S+) ", text, re.M):
        check(os.path.exists(os.path.join(ROOT, src)), f"Dockerfile: COPY {src} exists")
    image = re.search(r"^FROM rust:(\d+)\.(\d+)", text, re.M)
    cargo = open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8").read()
    wanted = re.search(r'rust-version = "(\d+)\.(\d+)"', cargo)
    check(image and wanted and tuple(map(int, image.groups())) >= tuple(map(int, wanted.groups())),
          "Dockerfile: the Rust image is at least the crate's rust-version")
    build = re.search(r"^RUN (cargo build [^\\\n&]+)", text, re.M).group(1).strip()
    return build, env


def configmap(docs, binary):
    toml = docs[("ConfigMap", "helpdesk")]["data"]["helpdesk.toml"]
    if not binary:
        return
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "helpdesk.toml")
        open(path, "w", encoding="utf-8").write(toml)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
        run = subprocess.run([binary, "--config", path, "config", "check"], capture_output=True,
                             text=True, env=env, cwd=d)
        check(run.returncode == 0, f"ConfigMap helpdesk.toml: config check says {run.stderr}")


def systemd(binary):
    text = open(os.path.join(DEPLOY, "systemd", "helpdesk.service"), encoding="utf-8").read()
    check(re.search(r"^ExecStart=\S*/helpdesk run$", text, re.M) is not None, "unit: runs `helpdesk run`")
    check("KillSignal=SIGTERM" in text, "unit: stops with SIGTERM")
    check(re.search(r"^User=(?!root)", text, re.M) is not None, "unit: non-root user")
    analyze = shutil.which("systemd-analyze")
    if binary and analyze:
        # systemd's own checker, with the binary where the unit expects it.
        with tempfile.TemporaryDirectory() as d:
            unit = os.path.join(d, "helpdesk.service")
            open(unit, "w", encoding="utf-8").write(text.replace("/usr/local/bin/helpdesk", binary))
            run = subprocess.run([analyze, "verify", unit], capture_output=True, text=True)
            check(run.returncode == 0 and not run.stderr.strip(),
                  f"unit: systemd-analyze verify says {run.stderr}")


def main():
    args = sys.argv[1:]
    binary = os.path.abspath(args[args.index("--binary") + 1]) if "--binary" in args else None
    docs = kubernetes()
    bot = compose()
    build, image_env = dockerfile()
    published(bot, image_env)
    configmap(docs, binary)
    systemd(binary)
    if "--build" in args:
        print(f"check: {build}")
        subprocess.run(build.split(), cwd=ROOT, check=True)
    if failures:
        for f in failures:
            print(f"deploy check failed: {f}")
        sys.exit(1)
    print("deploy files: ok")


main()
