#!/usr/bin/env bash
# paForNode load benchmark: paVerifyPaymentNotice, paGetPaymentV2 and paSendRTV2 against a gateway
# holding N dovuti, 64 keep-alive connections (wrk, 2 threads), beside a baseline measured
# in the same run: the same server answering a fixed SOAP response (POST /bench/static-soap).
#
#   benches/pafornode.sh [sqlite|postgres] [N=1000000] [SECONDS=20]
#
# Needs: wrk and sqlite3 (Debian), a PostgreSQL at $PG_ADMIN_URL for the postgres backend
# (default postgres://postgres@127.0.0.1:5432/postgres). Prints one RESULT line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}; N=${2:-1000000}; SECS=${3:-20}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in wrk sqlite3 psql; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install wrk sqlite3 postgresql-client)" >&2; exit 1; }; done
cargo build --release --quiet
BIN=target/release/mypay
WORK=$(mktemp -d /tmp/mypay-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [ "$BACKEND" = postgres ] && psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

NOW="2026-11-28 12:00:00"
# Registry rows + N payable dovuti whose IUVs are seg 01 + progressive + (3 01 p) mod 93.
registry_sql="
INSERT INTO brokers (id, code, name, created_at) VALUES (1, '97000000014', 'Bench', '$NOW');
INSERT INTO stations (id, broker_id, code, aux_digit, primitive_version, broadcast, active, created_at) VALUES (1, 1, '97000000014_01', 3, 'V2', FALSE, TRUE, '$NOW');
INSERT INTO entities (id, cod_ipa, fiscal_code, name, sector, state, station_id, segregation_code, created_at, updated_at) VALUES (1, 'c_bench', '80000000010', 'Comune di Borgo Demo', 'Servizi al cittadino', 'ESERCIZIO', 1, '01', '$NOW', '$NOW');
INSERT INTO due_types (id, entity_id, code, description, bank_iban, collection_data, spontaneous, due_date_required, print_due_date, anonymous_debtor_allowed, notice_printing, active, created_at, updated_at) VALUES (1, 1, 'TARI', 'Tassa rifiuti', 'IT60X0542811101000000123456', '9/0101101IM/', FALSE, FALSE, TRUE, FALSE, TRUE, TRUE, '$NOW', '$NOW');
INSERT INTO iuv_counters (entity_id, kind, next_value) VALUES (1, 'IUV17', $((N + 1)));"
cols="entity_id, due_type_id, iud, iuv, notice_number, state, debtor_kind, debtor_id, debtor_name, debtor_email, amount_cents, due_date, causale, collection_data, generate_iuv, version, created_at, updated_at"
seed_start=$(date +%s%N)
if [ "$BACKEND" = sqlite ]; then
  DB="$WORK/bench.sqlite3"; URL="sqlite://$DB"
  $BIN migrate --database-url "$URL" >/dev/null
  sqlite3 "$DB" "PRAGMA journal_mode=WAL; BEGIN; $registry_sql
    WITH RECURSIVE seq(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM seq WHERE p < $N)
    INSERT INTO dovuti ($cols) SELECT 1, 1, 'BENCH-' || p, printf('01%013d%02d', p, (3010000000000000 + p) % 93),
      printf('301%013d%02d', p, (3010000000000000 + p) % 93), 'PREDISPOSTO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi',
      'mario.rossi@example.org', 1000 + p % 50000, '2027-12-31', '/RFB/' || p || '/TXT/TARI rata unica', '9/0101101IM/', 1, 0, '$NOW', '$NOW' FROM seq;
    COMMIT; ANALYZE;" >/dev/null
else
  DBNAME="mypay_bench_$$"; psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE $DBNAME" >/dev/null
  URL="${PG_ADMIN_URL%/*}/$DBNAME"
  $BIN migrate --database-url "$URL" >/dev/null
  psql "$URL" -q -v ON_ERROR_STOP=1 -c "BEGIN; $registry_sql
    INSERT INTO dovuti ($cols) SELECT 1, 1, 'BENCH-' || p, '01' || lpad(p::text, 13, '0') || lpad(((3010000000000000 + p) % 93)::text, 2, '0'),
      '301' || lpad(p::text, 13, '0') || lpad(((3010000000000000 + p) % 93)::text, 2, '0'), 'PREDISPOSTO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi',
      'mario.rossi@example.org', 1000 + p % 50000, DATE '2027-12-31', '/RFB/' || p || '/TXT/TARI rata unica', '9/0101101IM/', TRUE, 0, TIMESTAMP '$NOW', TIMESTAMP '$NOW'
      FROM generate_series(1, $N) AS p;
    SELECT setval('brokers_id_seq', 1); SELECT setval('stations_id_seq', 1); SELECT setval('entities_id_seq', 1); SELECT setval('due_types_id_seq', 1);
    COMMIT; ANALYZE;" >/dev/null
fi
echo "SEED backend=$BACKEND rows=$N seconds=$(python3 -c "print(round(($(date +%s%N) - $seed_start) / 1e9, 1))")"

MYPAY_BENCH_ROUTES=true MYPAY_LOG=warn MYPAY_POOL_SIZE=${POOL:-8} $BIN serve --listen "127.0.0.1:$PORT" --database-url "$URL" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
export BENCH_N=$N
run() { # name path op
  BENCH_OP=$3 wrk -t2 -c64 -d"${SECS}s" --latency -s benches/pafornode.lua "http://127.0.0.1:$PORT$2" | grep '^RESULT' | sed "s/^RESULT [a-z0-9]*/RESULT $BACKEND $1/"
}
# Correctness first: the last seeded notice must verify and activate OK.
check() { # root extra
  local body
  body=$(printf '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"><soapenv:Body><pafn:%s><idPA>80000000010</idPA><idBrokerPA>97000000014</idBrokerPA><idStation>97000000014_01</idStation><qrCode><fiscalCode>80000000010</fiscalCode><noticeNumber>301%013d%02d</noticeNumber></qrCode>%s</pafn:%s></soapenv:Body></soapenv:Envelope>' "$1" "$N" "$(( (3010000000000000 + N) % 93 ))" "$2" "$1")
  curl -s -H 'content-type: text/xml' -d "$body" "http://127.0.0.1:$PORT/pagopa/paForNode" | grep -q '<outcome>OK</outcome>' || { echo "$1 of the last seeded notice did not answer OK" >&2; exit 1; }
}
check paVerifyPaymentNoticeReq ""
check paGetPaymentV2Request "<transferType>PAGOPA</transferType>"
wrk -t2 -c64 -d5s -s benches/pafornode.lua "http://127.0.0.1:$PORT/pagopa/paForNode" >/dev/null  # warm-up
run baseline /bench/static-soap verify
run verify /pagopa/paForNode verify
run getPaymentV2 /pagopa/paForNode getv2
# Receipts: every one must be stored (durably: SQLite WAL synchronous=NORMAL, PostgreSQL
# fsync=on and synchronous_commit=on by default) before the OK. Count what the tables hold.
run sendRTV2 /pagopa/paForNode sendrt
if [ "$BACKEND" = sqlite ]; then stored=$(sqlite3 "$DB" "SELECT count(*) FROM receipts");
else stored=$(psql "$URL" -qAtc "SELECT count(*) FROM receipts"); fi
echo "RECEIPTS stored=$stored per_s=$((stored / SECS))"
echo "RSS_KB $(ps -o rss= -p $SERVER)"
