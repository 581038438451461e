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

With --binary it also *runs* each shipped deployment (see run_deployments below): the binary
starts with exactly the environment, arguments, working directory and files that the systemd
unit, the Docker image, the compose service and the Kubernetes Deployment give it, and must
answer /readyz on the port the file names (the internal listener where one is configured), pass
the health check the file names (the image's HEALTHCHECK, the Deployment's probes) and stop
cleanly on SIGTERM. Absolute paths (/etc/helpdesk, /var/lib/helpdesk, /usr/local/bin) are
mapped into a temporary folder, and the compose and Kubernetes PostgreSQL hosts to the local
server (HELPDESK_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test) with a
fresh database; every variable, argument and config key comes from the files as written.

Usage: python3 deploy/check.py [--binary target/debug/helpdesk] [--build]
"""
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

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


# --- Running the deployments ---------------------------------------------------------------
#
# Each deployment is turned into (argv, environment, working directory, files) read from its
# file, then the real binary runs with exactly that. What is changed, and why:
# - absolute paths under /etc, /var/lib and /usr/local/bin point into a temporary folder (the
#   check runs unprivileged in CI and must not touch the machine's own folders);
# - the PostgreSQL host of compose and Kubernetes is the local test server, with a fresh
#   database (user, password and options as written);
# - platform secrets (HELPDESK_SLACK_*, HELPDESK_DISCORD_*) in the templates (.env.example, the
#   Secret) are placeholders that would make the bot call slack.com or discord.com: they are
#   left out and named, since nothing here may send traffic beyond 127.0.0.1.

MAPPED_ROOTS = ("/etc/helpdesk", "/var/lib/helpdesk", "/usr/local/bin")
PLATFORM_SECRET = re.compile(r"^HELPDESK_(SLACK|DISCORD)_")
ADMIN_URL = os.environ.get("HELPDESK_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


class Root:
    """A temporary folder standing in for /: maps the deployment's absolute paths into it."""

    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="helpdesk-deploy-")
        self.binary = binary

    def path(self, value):
        """The value with every mapped absolute path moved into the temporary root."""
        if value == "/usr/local/bin/helpdesk":
            return self.binary
        for prefix in MAPPED_ROOTS:
            value = re.sub(r"(?<![\w.])" + re.escape(prefix), self.dir + prefix, value)
        return value

    def write(self, where, text):
        target = self.path(where)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
        return target

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def dotenv(path):
    """KEY=VALUE lines (compose's env_file and systemd's EnvironmentFile format)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip().strip('"')
    return out


def without_platform_secrets(env, source):
    kept = {k: v for k, v in env.items() if not PLATFORM_SECRET.match(k)}
    left = sorted(set(env) - set(kept))
    if left:
        print(f"run: {source}: leaving out {', '.join(left)} (placeholders that would reach "
              "the platforms' servers)")
    return kept


def free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def http_get(port, path):
    """Status and body of GET path on 127.0.0.1:port, or (None, why)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.decode(errors="replace").partition("\r\n\r\n")
        return int(head.split()[1]), body
    except (OSError, IndexError, ValueError) as e:
        return None, str(e)


class Postgres:
    """A fresh database on the local server for a deployment's URL, dropped afterwards."""

    def __init__(self, url, name):
        self.admin = ADMIN_URL
        parts = urllib.parse.urlsplit(url)
        local = urllib.parse.urlsplit(self.admin)
        self.database = f"hd_deploy_{name}_{os.getpid()}"
        user = urllib.parse.unquote(parts.username or "postgres")
        password = urllib.parse.unquote(parts.password or "")
        self.psql(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') "
                  f"THEN CREATE ROLE \"{user}\" LOGIN; END IF; END$$")
        if password:
            self.psql(f"ALTER ROLE \"{user}\" PASSWORD '{password}'")
        self.psql(f"CREATE DATABASE {self.database} OWNER \"{user}\"")
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + local.hostname + f":{local.port or 5432}"
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, "/" + self.database,
                                            parts.query, parts.fragment))
        print(f"run: {name}: database host {parts.hostname} and database "
              f"{parts.path.lstrip('/')} mapped to {local.hostname}:{local.port or 5432}/"
              f"{self.database}")

    def psql(self, sql):
        run = subprocess.run(["psql", self.admin, "-qtAc", sql], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"psql: {run.stderr.strip()}")
        return run.stdout.strip()

    def tables(self):
        url = urllib.parse.urlsplit(self.admin)._replace(path="/" + self.database).geturl()
        run = subprocess.run(["psql", url, "-qtAc",
                              "SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema = 'public'"], capture_output=True, text=True)
        return int(run.stdout.strip() or 0)

    def drop(self):
        try:
            self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        except RuntimeError as e:
            print(f"run: could not drop {self.database}: {e}")


def launch(name, argv, env, cwd, ready_port, checks):
    """Starts argv, waits for /readyz 200 on ready_port, runs the checks, stops with SIGTERM."""
    ports = {port_of(v) for k, v in env.items() if k in ("HELPDESK_HTTP_LISTEN",
                                                          "HELPDESK_HTTP_INTERNAL_LISTEN")}
    ports.add(ready_port)
    busy = [p for p in sorted(ports) if not free(p)]
    if busy:
        check(False, f"{name}: port(s) {busy} the file names are taken on this machine")
        return
    os.makedirs(cwd, exist_ok=True)
    log = open(os.path.join(cwd, f".{name}.log"), "w+", encoding="utf-8")
    print(f"run: {name}: {' '.join(shlex.quote(a) for a in argv)} in {cwd}")
    shown = ", ".join(f"{k}={v}" for k, v in sorted(env.items()) if k != "PATH")
    print(f"run: {name}: environment {shown}")
    child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        status, body = None, ""
        while time.monotonic() < deadline and child.poll() is None:
            status, body = http_get(ready_port, "/readyz")
            if status == 200:
                break
            time.sleep(0.2)
        if status != 200:
            log.seek(0)
            tail = "".join(log.readlines()[-15:])
            check(False, f"{name}: /readyz on port {ready_port} never answered 200 "
                         f"(last: {status} {body.strip()}); the bot logged:\n{tail}")
            return
        print(f"run: {name}: /readyz on port {ready_port}: 200")
        for what, ok in checks():
            check(ok, f"{name}: {what}")
            if ok:
                print(f"run: {name}: {what}: ok")
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                code = child.wait(timeout=40)
                check(code == 0, f"{name}: exit 0 after SIGTERM, got {code}")
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                check(False, f"{name}: did not stop within 40 s of SIGTERM")
        log.close()


def command_passes(argv, env, cwd):
    run = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=30)
    return run.returncode == 0


def image(root):
    """The image as the Dockerfile builds it: ENTRYPOINT, CMD, ENV, WORKDIR, HEALTHCHECK, and
    the files it copies into absolute paths."""
    text = open(os.path.join(DEPLOY, "Dockerfile"), encoding="utf-8").read()
    joined = re.sub(r"\\\n", " ", text)
    final = joined[joined.rindex("\nFROM "):]
    env = {}
    for line in re.findall(r"^ENV (.+)$", final, re.M):
        for item in shlex.split(line):
            key, _, value = item.partition("=")
            env[key] = value
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", final, re.M).group(1))
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", final, re.M).group(1))
    workdir = re.findall(r"^WORKDIR (\S+)$", final, re.M)[-1]
    health = json.loads(re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", final, re.M).group(1))
    for src, dst in re.findall(r"^COPY (?!--)(\S+) (\S+)$", final, re.M):
        with open(os.path.join(ROOT, src), encoding="utf-8") as f:
            root.write(dst, f.read())
    # The image's PATH has /usr/local/bin, where the binary is copied.
    resolve = lambda argv: [root.binary if argv[0] == "helpdesk" else argv[0]] + argv[1:]
    return {"env": env, "entrypoint": resolve(entrypoint), "cmd": cmd, "workdir": workdir,
            "health": resolve(health)}


def docker_answers():
    docker = shutil.which("docker")
    if not docker:
        return "there is no docker command"
    run = subprocess.run([docker, "info"], capture_output=True, text=True)
    if run.returncode != 0:
        return (run.stderr.strip().splitlines() or ["docker info failed"])[-1]
    return None


def run_image(binary):
    why = docker_answers()
    if why:
        print(f"run: image: not built, no Docker daemon answers ({why}); running the binary "
              "as the image would instead")
    else:
        print("run: image: a Docker daemon answers, but the image is not built here (a release "
              "build inside it takes longer than CI allows); running the binary as the image "
              "would instead")
    root = Root(binary)
    try:
        img = image(root)
        env = {"PATH": os.environ["PATH"], **{k: root.path(v) for k, v in img["env"].items()}}
        cwd = root.path(img["workdir"])
        internal = port_of(img["env"]["HELPDESK_HTTP_INTERNAL_LISTEN"])
        launch("image", img["entrypoint"] + img["cmd"], env, cwd, internal, lambda: [
            ("HEALTHCHECK " + " ".join(img["health"][1:]), command_passes(img["health"], env, cwd)),
        ])
    finally:
        root.remove()


def run_systemd(binary):
    text = open(os.path.join(DEPLOY, "systemd", "helpdesk.service"), encoding="utf-8").read()
    service = text[text.index("[Service]"):]
    service = service[:service.index("\n[", 1)] if "\n[" in service[1:] else service
    values = lambda key: re.findall(rf"^{key}=(.*)$", service, re.M)
    root = Root(binary)
    try:
        # The install steps in the unit's header copy the files it needs into place.
        for src, dst in re.findall(r"^#\s+sudo cp (\S+) (/etc/\S+)", text, re.M):
            if dst.endswith("/"):
                continue
            with open(os.path.join(ROOT, src), encoding="utf-8") as f:
                root.write(dst, f.read())
        env = {"PATH": os.environ["PATH"]}
        for state in values("StateDirectory"):
            os.makedirs(root.path("/var/lib/" + state), exist_ok=True)
        for line in values("Environment"):
            for item in shlex.split(line):
                key, _, value = item.partition("=")
                env[key] = root.path(value)
        for path in values("EnvironmentFile"):
            target = root.path(path.lstrip("-"))
            if not os.path.exists(target):
                # The operator writes the platform tokens into it: here it stays empty.
                root.write(path.lstrip("-"), "")
            env.update(without_platform_secrets(dotenv(target), "EnvironmentFile"))
        argv = [root.path(a) for a in shlex.split(values("ExecStart")[0])]
        cwd = root.path(values("WorkingDirectory")[0])
        config_file = env.get("HELPDESK_CONFIG")
        listen = "127.0.0.1:8080"
        if config_file:
            cfg = open(config_file, encoding="utf-8").read()
            http = re.search(r"^\[http\](.*?)(?=^\[)", cfg, re.M | re.S)
            found = http and re.search(r'^internal_listen\s*=\s*"([^"]+)"', http.group(1), re.M) \
                or http and re.search(r'^listen\s*=\s*"([^"]+)"', http.group(1), re.M)
            if found:
                listen = found.group(1)
        listen = env.get("HELPDESK_HTTP_INTERNAL_LISTEN") or env.get("HELPDESK_HTTP_LISTEN") \
            or listen
        health = [binary, "health"]
        launch("systemd", argv, env, cwd, port_of(listen), lambda: [
            ("`helpdesk health` with the unit's environment", command_passes(health, env, cwd)),
            ("the SQLite file is in the StateDirectory",
             os.path.exists(root.path(env["HELPDESK_DATABASE_URL"]))),
            ("the search index is beside it, in the StateDirectory",
             index_written(root.path(env["HELPDESK_DATABASE_URL"]) + ".index")),
        ])
    finally:
        root.remove()


def run_compose(binary, bot):
    header = open(os.path.join(DEPLOY, "compose.yaml"), encoding="utf-8").read()
    # The files the header tells the operator to copy, from the templates it names.
    templates = dict(re.findall(r"copy (\S+) to deploy/(\S+?)[),;\s]", header))
    templates = {dst: src for src, dst in templates.items()}
    root = Root(binary)
    db = None
    try:
        img = image(root)
        # The template, not an operator's own deploy/.env: the check is the same everywhere.
        check(bot["env_file"] in templates,
              f"compose: its header says which template {bot['env_file']} is copied from")
        env_file = os.path.join(ROOT, templates.get(bot["env_file"], "deploy/.env.example"))
        dotenv_values = dotenv(env_file)
        interpolate = lambda v: re.sub(
            r"\$\{(\w+)(?::?[?-][^}]*)?\}", lambda m: dotenv_values.get(m.group(1), ""), str(v))
        env = {"PATH": os.environ["PATH"], **img["env"]}
        env.update(without_platform_secrets(dotenv_values, "env_file " + bot["env_file"]))
        env.update({k: interpolate(v) for k, v in bot.get("environment", {}).items()})
        for volume in bot.get("volumes", []):
            src, dst = volume.split(":")[:2]
            path = os.path.normpath(os.path.join(DEPLOY, src))
            name = os.path.relpath(path, DEPLOY)
            if not os.path.exists(path) or name in templates:
                check(name in templates, f"compose: mounts {src}, and its header says where "
                                         "that file comes from")
                if name not in templates:
                    return
                path = os.path.join(ROOT, templates[name])
            with open(path, encoding="utf-8") as f:
                root.write(dst, f.read())
        db = Postgres(env["HELPDESK_DATABASE_URL"], "compose")
        env["HELPDESK_DATABASE_URL"] = db.url
        env = {k: v if k == "PATH" else root.path(v) for k, v in env.items()}
        command = bot.get("command")
        command = shlex.split(command) if isinstance(command, str) else command or img["cmd"]
        cwd = root.path(bot.get("working_dir", img["workdir"]))
        internal = port_of(env["HELPDESK_HTTP_INTERNAL_LISTEN"])
        health = bot.get("healthcheck", {}).get("test")
        health = [binary] + health[2:] if health and health[1] == "helpdesk" else img["health"]
        launch("compose", img["entrypoint"] + command, env, cwd, internal, lambda: [
            ("the image's HEALTHCHECK in the bot's environment", command_passes(health, env, cwd)),
            ("the schema is in the fresh PostgreSQL database", db.tables() > 0),
            ("the search index is in the working folder's volume",
             index_written(env.get("HELPDESK_KB_INDEX_DIR") or os.path.join(cwd, "helpdesk-index"))),
        ])
    finally:
        if db:
            db.drop()
        root.remove()


def index_written(folder):
    """Whether the knowledge base wrote its search indexes into `folder`."""
    return os.path.isdir(folder) and any(n.startswith("articles-v") for n in os.listdir(folder))


def index_on_volume(container, volumes):
    """With a read-only root filesystem, the index folder must be on a mounted emptyDir."""
    if not container.get("securityContext", {}).get("readOnlyRootFilesystem"):
        return True
    folder = next((e["value"] for e in container.get("env", [])
                   if e["name"] == "HELPDESK_KB_INDEX_DIR"), None)
    if not folder:
        return False
    return any("emptyDir" in volumes[m["name"]] and
               (folder + "/").startswith(m["mountPath"].rstrip("/") + "/")
               for m in container.get("volumeMounts", []))


def run_kubernetes(binary, docs):
    pod = docs[("Deployment", "helpdesk")]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    root = Root(binary)
    db = None
    try:
        img = image(root)
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for mount in container.get("volumeMounts", []):
            config_map = volumes[mount["name"]].get("configMap")
            if config_map:
                for key, value in docs[("ConfigMap", config_map["name"])]["data"].items():
                    root.write(mount["mountPath"].rstrip("/") + "/" + key, value)
        env = {"PATH": os.environ["PATH"], **img["env"]}
        for source in container.get("envFrom", []):
            secret = docs[("Secret", source["secretRef"]["name"])]
            env.update(without_platform_secrets(secret.get("stringData", {}), "Secret"))
        for item in container.get("env", []):
            env[item["name"]] = item["value"]
        db = Postgres(env["HELPDESK_DATABASE_URL"], "kubernetes")
        env["HELPDESK_DATABASE_URL"] = db.url
        env = {k: v if k == "PATH" else root.path(str(v)) for k, v in env.items()}
        argv = (container.get("command") and [root.path(a) for a in container["command"]]) \
            or img["entrypoint"]
        argv = argv + container.get("args", img["cmd"])
        cwd = root.path(container.get("workingDir", img["workdir"]))
        named = {p["name"]: p["containerPort"] for p in container["ports"]}
        probe = lambda key: container[key]["httpGet"]
        port = lambda p: named.get(p["port"], p["port"])
        checks = lambda: [
            (f"{key} GET {probe(key)['path']} on port {port(probe(key))}",
             http_get(port(probe(key)), probe(key)["path"])[0] == 200)
            for key in ("startupProbe", "livenessProbe", "readinessProbe") if key in container
        ] + [
            ("the schema is in the fresh PostgreSQL database", db.tables() > 0),
            ("the search index is on a writable volume", index_on_volume(container, volumes)),
            ("the search index was written", index_written(env["HELPDESK_KB_INDEX_DIR"])),
        ]
        launch("kubernetes", argv, env, cwd, port(probe("readinessProbe")), checks)
    finally:
        if db:
            db.drop()
        root.remove()


def run_deployments(binary, docs, bot):
    run_systemd(binary)
    run_image(binary)
    run_compose(binary, bot)
    run_kubernetes(binary, docs)


def main():
    args = sys.argv[1:]
    binary = os.path.abspath(args[args.index("--binary") + 1]) if "--binary" in args else None
    docs = kubernetes()
    bot = compose()
    build, image_env = dockerfile()
    published(bot, image_env)
    configmap(docs, binary)
    systemd(binary)
    if binary:
        run_deployments(binary, docs, bot)
    if "--build" in args:
        print(f"check: {build}")
        subprocess.run(build.split(), cwd=ROOT, check=True)
    if failures:
        for f in failures:
            print(f"deploy check failed: {f}")
        sys.exit(1)
    print("deploy files: ok")


main()
