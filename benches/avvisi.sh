#!/usr/bin/env bash
# Bulk notice benchmark: `mypay avvisi` writes the notices of an entity holding N payable
# dovuti into a zip (single payment, entity logo, postal account: every notice also carries
# its Bollettino Postale PA with the Data Matrix). Reports notices/s and peak RSS for N and
# for N/10 (memory must not grow with N), beside two baselines measured in the same run:
#   - render floor: the same machine producing a one-line PDF with the same embedded fonts
#     (benches/avviso_render.rs prints it with the per-notice render cost);
#   - zip floor: Info-ZIP storing the very same PDFs from disk (`zip -0`).
#
#   benches/avvisi.sh [sqlite|postgres] [N=10000]
#
# Needs: sqlite3, zip, unzip, GNU time (Debian), psql for the postgres backend
# ($PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}; N=${2:-10000}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in sqlite3 zip unzip /usr/bin/time psql; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install sqlite3 zip unzip time postgresql-client)" >&2; exit 1; }; done
cargo build --release --quiet
BIN=target/release/mypay
WORK=$(mktemp -d /tmp/mypay-avvisi.XXXXXX)
DBNAMES=()
cleanup() {
  for d in "${DBNAMES[@]}"; do psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# A 240x120 PNG logo, written with the Python standard library only.
python3 - "$WORK/logo.png" <<'PY'
import struct, sys, zlib
w, h = 240, 120
rows = b"".join(b"\0" + b"".join(bytes((0, 102, 204, 255)) if (x - 60) ** 2 + (y - 60) ** 2 < 2500 or 125 < x < 235 and 50 < y < 70 else bytes(4) for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY
LOGO_HEX=$(python3 -c "import sys; print(open(sys.argv[1],'rb').read().hex())" "$WORK/logo.png")

NOW="2026-11-28 12:00:00"
registry_sql() { # logo literal
cat <<SQL
INSERT INTO brokers (id, code, name, created_at) VALUES (1, '97000000014', 'Bench', '$NOW');
INSERT INTO stations (id, broker_id, code, aux_digit, primitive_version, broadcast, active, created_at) VALUES (1, 1, '97000000014_01', 3, 'V2', FALSE, TRUE, '$NOW');
INSERT INTO entities (id, cod_ipa, fiscal_code, name, sector, state, station_id, segregation_code, logo, logo_mime, created_at, updated_at) VALUES (1, 'c_bench', '80000000010', 'Comune di Borgo Demo', 'Servizio Tributi', 'ESERCIZIO', 1, '01', $1, 'image/png', '$NOW', '$NOW');
INSERT INTO due_types (id, entity_id, code, description, bank_iban, postal_iban, postal_account_holder, postal_authorisation, collection_data, spontaneous, due_date_required, print_due_date, anonymous_debtor_allowed, notice_printing, active, created_at, updated_at) VALUES (1, 1, 'TARI', 'Tassa rifiuti', 'IT60X0542811101000000123456', 'IT70X0760101600000012345678', 'Comune di Borgo Demo - Tesoreria', 'AUT/BENCH/0001', '9/0101101IM/', FALSE, FALSE, TRUE, FALSE, TRUE, TRUE, '$NOW', '$NOW');
SQL
}
cols="entity_id, due_type_id, iud, iuv, notice_number, state, debtor_kind, debtor_id, debtor_name, debtor_address, debtor_civic_number, debtor_postal_code, debtor_city, debtor_province, amount_cents, due_date, causale, collection_data, generate_iuv, version, created_at, updated_at"
seed() { # rows -> URL on stdout
  local rows=$1
  if [ "$BACKEND" = sqlite ]; then
    local db="$WORK/bench-$rows.sqlite3"
    $BIN migrate --database-url "sqlite://$db" >/dev/null
    sqlite3 "$db" "PRAGMA journal_mode=WAL; BEGIN; $(registry_sql "X'$LOGO_HEX'")
      WITH RECURSIVE seq(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM seq WHERE p < $rows)
      INSERT INTO dovuti ($cols) SELECT 1, 1, 'BENCH-' || p, printf('01%013d%02d', p, (3010000000000000 + p) % 93),
        printf('301%013d%02d', p, (3010000000000000 + p) % 93), 'PREDISPOSTO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi ' || p,
        'Via dei Mille', '12', '20100', 'Milano', 'MI', 1000 + p % 50000, '2027-12-31', '/RFB/' || p || '/TXT/TARI 2026 rata unica', '9/0101101IM/', 1, 0, '$NOW', '$NOW' FROM seq;
      COMMIT; ANALYZE;" >/dev/null
    echo "sqlite://$db"
  else
    local name="mypay_avvisi_$$_$rows"
    psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE $name" >/dev/null
    local url="${PG_ADMIN_URL%/*}/$name"
    $BIN migrate --database-url "$url" >/dev/null
    psql "$url" -q -v ON_ERROR_STOP=1 -c "BEGIN; $(registry_sql "'\\x$LOGO_HEX'::bytea")
      INSERT INTO dovuti ($cols) SELECT 1, 1, 'BENCH-' || p, '01' || lpad(p::text, 13, '0') || lpad(((3010000000000000 + p) % 93)::text, 2, '0'),
        '301' || lpad(p::text, 13, '0') || lpad(((3010000000000000 + p) % 93)::text, 2, '0'), 'PREDISPOSTO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi ' || p,
        'Via dei Mille', '12', '20100', 'Milano', 'MI', 1000 + p % 50000, DATE '2027-12-31', '/RFB/' || p || '/TXT/TARI 2026 rata unica', '9/0101101IM/', TRUE, 0, TIMESTAMP '$NOW', TIMESTAMP '$NOW'
        FROM generate_series(1, $rows) AS p;
      COMMIT; ANALYZE;" >/dev/null
    echo "$url"
  fi
}

run() { # rows
  local rows=$1 url out
  url=$(seed "$rows")
  [ "$BACKEND" = postgres ] && DBNAMES+=("${url##*/}")
  out="$WORK/avvisi-$rows.zip"
  /usr/bin/time -f "%e %M" -o "$WORK/time-$rows" $BIN avvisi --database-url "$url" --ente c_bench --out "$out" >"$WORK/log-$rows"
  read -r secs rss_kb <"$WORK/time-$rows"
  local files; files=$(unzip -Z1 "$out" | grep -c '\.pdf$')
  [ "$files" = "$rows" ] || { echo "expected $rows notices, the zip holds $files" >&2; exit 1; }
  echo "RESULT $BACKEND avvisi n=$rows seconds=$secs notices_per_s=$(python3 -c "print(round($rows / $secs))") peak_rss_mib=$((rss_kb / 1024)) zip_mib=$(( $(stat -c %s "$out") / 1048576 ))"
}
run $((N / 10))
run "$N"

# Zip floor: Info-ZIP storing the same N PDFs, read from disk.
mkdir "$WORK/pdfs" && (cd "$WORK/pdfs" && unzip -q "$WORK/avvisi-$N.zip")
start=$(date +%s%N)
(cd "$WORK/pdfs" && zip -0 -q "$WORK/floor.zip" ./*.pdf)
secs=$(python3 -c "print(round(($(date +%s%N) - $start) / 1e9, 2))")
echo "RESULT baseline zip-store n=$N seconds=$secs files_per_s=$(python3 -c "print(round($N / max($secs, 0.01)))")"

# Render floor and per-notice render cost, single thread.
cargo bench --quiet --bench avviso_render 2>/dev/null | grep '^RESULT'
echo "CPUS $(nproc)"
