#!/usr/bin/env bash
# Make this machine ready to run and test Piiri. Safe to run again: it only does what is missing.
#
#   scripts/setup.sh              virtualenv + pinned packages, PostgreSQL, RabbitMQ, role, test vhost
#   scripts/setup.sh --browser    ... and Debian's chromium + chromium-driver (browser tests), wrk (load bench),
#                                 libreoffice-calc-nogui (LibreOffice-written .xlsx in import tests) and
#                                 axe-core from npm (accessibility checks of the browser tests) in build/axe-core
#   scripts/setup.sh --venv-only  only the virtualenv and its packages (lint, format)
#
# Missing system packages are installed with apt-get when run as root on Debian; otherwise it
# says what to install and exits 1. Stopped PostgreSQL/RabbitMQ servers are started (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.piiri-installed
PG_HOST=127.0.0.1
PG_PORT=5432
DB_ROLE=piiri
DB_PASSWORD=piiri
AMQP_HOST=127.0.0.1
AMQP_PORT=5672
# axe-core (issue 13 item 10), pinned by version and by the registry's dist.integrity of its tarball.
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR=build/axe-core
TEST_VHOSTS="piiri_test piiri_test_s0 piiri_test_s1 ${PIIRI_EXTRA_TEST_VHOSTS:-}"  # pytest, the two shards of make test, and any more asked for
export PIP_DISABLE_PIP_VERSION_CHECK=1
export DEBIAN_FRONTEND=noninteractive

browser=false
venv_only=false
for arg in "$@"; do
    case $arg in
        --browser) browser=true ;;
        --venv-only) venv_only=true ;;
        *) echo "usage: $0 [--browser] [--venv-only]" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }
fail() { printf '\nsetup: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
port_open() { timeout 2 bash -c ": </dev/tcp/$1/$2" 2>/dev/null; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
sbin() { if command -v "$1" >/dev/null 2>&1; then command -v "$1"; else echo "/usr/sbin/$1"; fi; }
pg_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1; }

wait_for_port() { # host port seconds what
    local i
    for ((i = 0; i < $3; i++)); do
        port_open "$1" "$2" && return 0
        sleep 1
    done
    fail "$4 is not answering on $1:$2 after $3 s."
}

# --- 1. System packages --------------------------------------------------------------------------
missing=()
if ! have "$PYTHON"; then
    missing+=(python3 python3-venv)
elif [ ! -x "$VENV/bin/python" ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if ! $venv_only; then
    if ! port_open $PG_HOST $PG_PORT && [ -z "$(pg_version)" ]; then
        missing+=(postgresql)
    fi
    if ! port_open $AMQP_HOST $AMQP_PORT && ! have rabbitmq-server; then
        missing+=(rabbitmq-server)
    fi
    # The access report PDF (G3) is set in DejaVu Sans: Finnish, Swedish and Cyrillic letters.
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
fi
if $browser; then
    [ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    # Import tests (I1) read .xlsx files written by LibreOffice (libreoffice --headless --convert-to xlsx).
    have libreoffice || missing+=(libreoffice-calc-nogui)
    # The load benchmark (bench/load_bench.py, issues 12 and 18) and its smoke test drive the gateway with wrk.
    have wrk || missing+=(wrk)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if is_root && have apt-get; then
        say "Installing Debian packages: ${missing[*]}"
        if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
            say "Install failed; refreshing the package lists and trying again"
            apt-get update -q
            apt-get install -y -q --no-install-recommends "${missing[@]}"
        fi
    else
        fail "these system packages are missing: ${missing[*]}
Install them (on Debian: sudo apt-get install -y ${missing[*]}), or run this as root, then try again."
    fi
fi

# --- 2. Virtualenv with the pinned packages ------------------------------------------------------
# uv (from PyPI, into the virtualenv) installs the same pins as pip, but downloads in parallel and keeps a
# cache (~/.cache/uv): about 30 s from nothing where pip took one to four minutes on the 2-core CI machine,
# seconds when cached. pip installs them where uv cannot be had. Both compile the packages' bytecode at
# install (uv: --compile-bytecode): where PYTHONDONTWRITEBYTECODE is set (as on the CI machine) nothing
# would ever be cached, and every process (the test shards, each `piiri run` a test starts) would compile
# every module it imports again: 2 s of CPU more to import the services.
UV_VERSION=0.13.9
install_packages() {
    if "$VENV/bin/python" -m pip install "uv==$UV_VERSION" && [ -x "$VENV/bin/uv" ]; then
        "$VENV/bin/uv" pip install --python "$VENV/bin/python" --compile-bytecode \
            -r requirements-dev.txt -c constraints.txt \
            && "$VENV/bin/uv" pip install --python "$VENV/bin/python" --no-deps --no-build-isolation -e .
    else
        "$VENV/bin/python" -m pip install -r requirements-dev.txt -c constraints.txt \
            && "$VENV/bin/python" -m pip install --no-deps --no-build-isolation -e .
    fi
}
have "$PYTHON" || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || fail "Piiri needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1). Set PYTHON=/path/to/python3.11."
if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv $VENV ($("$PYTHON" -V 2>&1))"
    "$PYTHON" -m venv "$VENV"
fi
wanted=$(cat requirements.txt requirements-dev.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" = "$wanted" ]; then
    say "Python packages are up to date ($VENV)"
else
    say "Installing the pinned Python packages into $VENV (a minute the first time)"
    rm -f "$STAMP"
    log=$VENV/.piiri-install.log
    if ! install_packages >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        fail "installing the Python packages failed (whole log: $log)."
    fi
    echo "$wanted" >"$STAMP"
fi
# Piiri's own modules compiled too (for the same reason; a second of CPU for the whole tree, and only what
# changed after that): Python reads a .pyc it finds even where it may not write one.
"$VENV/bin/python" -m compileall -q -j 0 piiri piiri_cli services gateway emulators tests bench scripts \
    conftest.py >/dev/null || true
$venv_only && exit 0

# --- 3. PostgreSQL and the piiri role ------------------------------------------------------------
if port_open $PG_HOST $PG_PORT; then
    say "PostgreSQL answers on $PG_HOST:$PG_PORT"
elif is_root && [ -n "$(pg_version)" ]; then
    say "Starting PostgreSQL $(pg_version)"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start || true
    wait_for_port $PG_HOST $PG_PORT 30 PostgreSQL
else
    fail "PostgreSQL is not answering on $PG_HOST:$PG_PORT. Start it, as root:
    pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start
then run this again."
fi

role_check() { # exit 0 when the app can log in as piiri and create databases
    PGCONNECT_TIMEOUT=5 "$VENV/bin/python" - "$PG_HOST" "$PG_PORT" "$DB_ROLE" "$DB_PASSWORD" <<'PY'
import sys

import psycopg

host, port, user, password = sys.argv[1:]
try:
    with psycopg.connect(host=host, port=port, user=user, password=password, dbname="postgres") as conn:
        row = conn.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()
except psycopg.Error as exc:
    print(str(exc).strip().splitlines()[-1], file=sys.stderr)
    sys.exit(1)
sys.exit(0 if row and row[0] else 1)
PY
}

role_sql() {
    cat <<SQL
DO \$\$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
        ALTER ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    ELSE
        CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
SQL
}

if role_check 2>/dev/null; then
    say "Database role '$DB_ROLE' can log in and create databases"
else
    say "Creating the database role '$DB_ROLE' (LOGIN CREATEDB, password '$DB_PASSWORD')"
    if is_root && id postgres >/dev/null 2>&1; then
        role_sql | (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -f -)
    elif ! role_sql | psql -X -q -v ON_ERROR_STOP=1 -h $PG_HOST -p $PG_PORT -U postgres -d postgres -f -; then
        fail "could not create the role. As a PostgreSQL superuser run:
    CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
then run this again."
    fi
    role_check || fail "the role '$DB_ROLE' still cannot log in on $PG_HOST:$PG_PORT with its password;
check pg_hba.conf allows password (scram-sha-256 or md5) logins from 127.0.0.1."
fi

# --- 4. RabbitMQ and the test vhost --------------------------------------------------------------
if port_open $AMQP_HOST $AMQP_PORT; then
    say "RabbitMQ answers on $AMQP_HOST:$AMQP_PORT"
elif is_root && have rabbitmq-server; then
    say "Starting RabbitMQ"
    "$(sbin rabbitmq-server)" -detached || true
    for ((i = 0; i < 60; i++)); do
        "$(sbin rabbitmqctl)" -q -t 10 await_startup >/dev/null 2>&1 && break
        sleep 2
    done
    wait_for_port $AMQP_HOST $AMQP_PORT 30 RabbitMQ
else
    fail "RabbitMQ is not answering on $AMQP_HOST:$AMQP_PORT. Start it, as root:
    rabbitmq-server -detached
then run this again."
fi

vhost_check() { # exit 0 when guest can open the vhost
    "$VENV/bin/python" - "$AMQP_HOST:$AMQP_PORT" "$1" <<'PY'
import sys

import amqp

try:
    conn = amqp.Connection(sys.argv[1], userid="guest", password="guest", virtual_host=sys.argv[2],
                           connect_timeout=5)
    conn.connect()
    conn.close()
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

for vhost in / $TEST_VHOSTS; do
    if vhost_check "$vhost" 2>/dev/null; then
        say "RabbitMQ vhost '$vhost' is open to guest"
        continue
    fi
    if is_root && have rabbitmqctl; then
        say "Creating the RabbitMQ vhost '$vhost'"
        out=$("$(sbin rabbitmqctl)" -q add_vhost "$vhost" 2>&1) || [[ $out == *already* ]] \
            || fail "rabbitmqctl add_vhost $vhost failed: $out"
        "$(sbin rabbitmqctl)" -q set_permissions -p "$vhost" guest ".*" ".*" ".*" >/dev/null
    fi
    vhost_check "$vhost" || fail "guest cannot open the RabbitMQ vhost '$vhost'. As root run:
    rabbitmqctl add_vhost $vhost
    rabbitmqctl set_permissions -p $vhost guest '.*' '.*' '.*'
then run this again."
done

# --- 5. Browser ----------------------------------------------------------------------------------
axe_install() { # fetch axe-core's tarball (npm pack, or HTTPS from the registry without npm), check it, unpack axe.min.js
    local work=$AXE_DIR.download tarball
    rm -rf "$work" && mkdir -p "$work"
    tarball=$work/axe-core-$AXE_VERSION.tgz
    if have npm; then
        (cd "$work" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null) \
            || fail "npm pack axe-core@$AXE_VERSION failed (is registry.npmjs.org reachable?)."
    else
        "$VENV/bin/python" - "https://registry.npmjs.org/axe-core/-/axe-core-$AXE_VERSION.tgz" "$tarball" <<'PY' \
            || fail "downloading axe-core $AXE_VERSION from registry.npmjs.org failed."
import shutil
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=60) as answer, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(answer, out)
PY
    fi
    "$VENV/bin/python" - "$tarball" "$AXE_INTEGRITY" "$AXE_DIR" <<'PY' || fail "axe-core $AXE_VERSION: see above."
import base64
import hashlib
import sys
import tarfile
from pathlib import Path

tarball, integrity, target = sys.argv[1:]
digest = "sha512-" + base64.b64encode(hashlib.sha512(Path(tarball).read_bytes()).digest()).decode()
if digest != integrity:
    sys.exit(f"the tarball's {digest} is not the pinned {integrity}")
with tarfile.open(tarball) as archive:
    script = archive.extractfile("package/axe.min.js").read()
Path(target).mkdir(parents=True, exist_ok=True)
Path(target, "axe.min.js").write_bytes(script)
PY
    rm -rf "$work"
    echo "$AXE_VERSION $AXE_INTEGRITY" >"$AXE_DIR/VERSION"
}

if $browser; then
    say "Browser: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium), $(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
    if [ "$(cat "$AXE_DIR/VERSION" 2>/dev/null)" = "$AXE_VERSION $AXE_INTEGRITY" ] && [ -s "$AXE_DIR/axe.min.js" ]; then
        say "axe-core $AXE_VERSION is in $AXE_DIR"
    else
        say "Fetching axe-core $AXE_VERSION from the npm registry into $AXE_DIR"
        axe_install
    fi
fi

say "Setup done."
