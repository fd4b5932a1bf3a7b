#!/bin/sh
# First-start secrets for docker-compose: the demo tenant's API key and its Stripe, QuickBooks and Xero webhook
# secrets, random, made once into the paywatch-secrets volume and printed once (docker compose logs
# secrets-init). Nothing secret is committed: a published webhook secret lets anyone forge webhooks.
#
#   tenants.yml            paywatch.tenants.<id>.api-key-sha256 for every service (MICRONAUT_CONFIG_FILES)
#   invoice-producer.env   PAYWATCH_DEMO_* variables the invoice-producer's application.yml reads
#   grafana-admin-password Grafana's admin password (GF_SECURITY_ADMIN_PASSWORD__FILE)
#
# All mode 600, owned by the services' user (uid 10001 in the Dockerfile; Grafana's 472 for its password).
# Delete the volume to rotate.
# Usage: init-secrets.sh [DIR] [TENANT]   (defaults /secrets and demo; runs on any POSIX sh with coreutils
# or busybox).
set -eu
dir="${1:-/secrets}"
tenant="${2:-demo}"
owner="${PAYWATCH_SECRETS_OWNER:-10001}"

if [ -s "$dir/tenants.yml" ] && [ -s "$dir/invoice-producer.env" ] && [ -s "$dir/grafana-admin-password" ]; then
  echo "paywatch secrets already made in $dir (printed at first start; delete the volume to rotate)"
  exit 0
fi

rand() { # $1 random bytes, base64url without padding
  head -c "$1" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_'
}

umask 077
mkdir -p "$dir"
# The services (another uid) must reach the files; the files themselves are owner-only.
chmod 755 "$dir"
api_key="pw_$(rand 24)"
stripe="whsec_$(rand 32)"
quickbooks="$(rand 32)"
xero="$(rand 48)"
grafana="$(rand 18)"
hash="$(printf '%s' "$api_key" | sha256sum | cut -d' ' -f1)"

cat > "$dir/tenants.yml.tmp" <<YAML
# Made by ops/secrets/init-secrets.sh at first start. API keys only as SHA-256.
paywatch:
  tenants:
    $tenant:
      api-key-sha256: $hash
YAML
cat > "$dir/invoice-producer.env.tmp" <<ENV
PAYWATCH_DEMO_API_KEY_SHA256=$hash
PAYWATCH_DEMO_STRIPE_SECRET=$stripe
PAYWATCH_DEMO_QUICKBOOKS_TOKEN=$quickbooks
PAYWATCH_DEMO_XERO_KEY=$xero
ENV
printf '%s' "$grafana" > "$dir/grafana-admin-password.tmp"
if [ "$(id -u)" = "0" ]; then
  chown "$owner" "$dir/tenants.yml.tmp" "$dir/invoice-producer.env.tmp"
  chown "${GRAFANA_OWNER:-472}" "$dir/grafana-admin-password.tmp"
fi
chmod 600 "$dir/tenants.yml.tmp" "$dir/invoice-producer.env.tmp" "$dir/grafana-admin-password.tmp"
mv "$dir/tenants.yml.tmp" "$dir/tenants.yml"
mv "$dir/invoice-producer.env.tmp" "$dir/invoice-producer.env"
mv "$dir/grafana-admin-password.tmp" "$dir/grafana-admin-password"

echo "paywatch secrets made for tenant $tenant (shown once; kept in the paywatch-secrets volume, mode 600):"
echo "  API key                 $api_key"
echo "  Stripe endpoint secret  $stripe      (http://localhost:8081/v1/webhooks/stripe/$tenant)"
echo "  QuickBooks verifier     $quickbooks"
echo "  Xero webhook key        $xero"
echo "  Grafana                 admin / $grafana      (http://localhost:3000)"
