# Shared set-up for ./run and ./test: install what is missing, nothing more. Sourced, not run.
# System packages come from apt (as root; otherwise the exact command is printed), Python
# packages from PyPI into .venv.

APT_PACKAGES=(
  python3-venv python3-dev gcc
  pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools
  opensc opensc-pkcs11 yubico-piv-tool
  chromium fonts-dejavu-core
  libzbar0 poppler-utils openssl
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages. Run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

ensure_venv() {
  local python=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv"
    "$python" -m venv .venv
  fi
  local stamp
  stamp=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    say "Installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    echo "$stamp" > .venv/.installed
  fi
}

ensure_translations() {
  .venv/bin/pybabel compile -q -d lms/translations 2>/dev/null \
    || .venv/bin/pybabel compile -d lms/translations >/dev/null
}

# A development instance config with a random secret key and CA passphrase, made once.
ensure_instance_config() {
  mkdir -p instance
  if [ ! -f instance/config.py ]; then
    say "Writing instance/config.py (development secrets)"
    .venv/bin/python - <<'PY'
import secrets
from pathlib import Path
Path("instance/config.py").write_text(
    "# Development settings written by ./run. Do not use these secrets in production.\n"
    f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n"
    f"CA_PASSPHRASE = {secrets.token_urlsafe(32)!r}\n"
    "MAIL_BACKEND = 'outbox'\n"
)
PY
    chmod 600 instance/config.py
  fi
}

setup_all() {
  ensure_apt_packages
  ensure_venv
  ensure_translations
}
