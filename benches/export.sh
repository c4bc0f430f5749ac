#!/usr/bin/env bash
# Paid-dovuti export benchmark: `mypay flusso export` of N paid dovuti (tracciato 1.0,
# 64 columns, zipped), beside the same machine's raw export of the same rows measured in
# the same run: the database's own CSV output of the receipts ⋈ dovuti join (`sqlite3
# .mode csv` / `\copy (SELECT …) TO …`), uncompressed. Reports rows/s, the ratio to the
# baseline and peak RSS.
#
#   benches/export.sh [sqlite|postgres] [N=1000000] [VERSION=1.0]
#
# Needs: sqlite3, psql (postgres backend; $PG_ADMIN_URL, default
# postgres://postgres@127.0.0.1:5432/postgres), GNU time, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}; N=${2:-1000000}; VERSION=${3:-1.0}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in sqlite3 psql /usr/bin/time python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
cargo build --release --quiet
BIN=$PWD/target/release/mypay
WORK=$(mktemp -d /tmp/mypay-export.XXXXXX)
DBNAME="mypay_export_$$"
cleanup() {
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
[ -n "${KEEP:-}" ] && echo "keeping $WORK" || trap cleanup EXIT

NOW="2026-06-01 12:00:00"
registry="INSERT INTO brokers (id, code, name, created_at) VALUES (1, '97000000014', 'Bench', '$NOW');
INSERT INTO stations (id, broker_id, code, aux_digit, primitive_version, broadcast, active, created_at) VALUES (1, 1, '97000000014_01', 3, 'V2', FALSE, TRUE, '$NOW');
INSERT INTO entities (id, cod_ipa, fiscal_code, name, state, station_id, segregation_code, address, city, country, created_at, updated_at) VALUES (1, 'c_bench', '80000000010', 'Comune di Borgo Demo', 'ESERCIZIO', 1, '01', 'Piazza Municipio 1', 'Borgo Demo', 'IT', '$NOW', '$NOW');
INSERT INTO due_types (id, entity_id, code, description, bank_iban, collection_data, spontaneous, due_date_required, print_due_date, anonymous_debtor_allowed, notice_printing, active, created_at, updated_at) VALUES (1, 1, 'TARI', 'Tassa rifiuti', 'IT60X0542811101000000123456', '9/0101101IM/', FALSE, FALSE, TRUE, FALSE, TRUE, TRUE, '$NOW', '$NOW');"
# A receipt of realistic size (~1.5 KB) stored with every payment.
RAW=$(python3 -c "print('<paSendRTV2Request>' + 'x' * 1500 + '</paSendRTV2Request>')")
# The columns the baseline reads: what a row of the export is made of.
COLS="d.iud, d.iuv, r.receipt_id, r.payment_at, r.psp_id, r.psp_name, r.payer_kind, r.payer_id, r.payer_name, d.debtor_kind, d.debtor_id, d.debtor_name, d.debtor_address, d.debtor_city, d.debtor_email, r.amount_cents, d.causale, d.collection_data, d.flusso_id, d.flusso_row, d.due_type_id, d.bilancio"
QUERY="SELECT $COLS FROM receipts r JOIN dovuti d ON d.id = r.dovuto_id WHERE r.entity_id = 1 AND r.outcome = 'OK' ORDER BY r.id"

secs() { python3 -c "print(round(($(date +%s%N) - $1) / 1e9, 2))"; }
if [ "$BACKEND" = sqlite ]; then
  URL="sqlite://$WORK/bench.sqlite3"
  $BIN migrate --database-url "$URL" >/dev/null
  sqlite3 "$WORK/bench.sqlite3" "$registry
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO dovuti (id, entity_id, due_type_id, iud, iuv, notice_number, state, debtor_kind, debtor_id, debtor_name, debtor_address, debtor_city, debtor_email, amount_cents, causale, collection_data, generate_iuv, version, created_at, updated_at, paid_at)
SELECT i, 1, 1, 'BENCH-' || i, printf('01%015d', i), printf('301%015d', i), 'COMPLETATO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi ' || i, 'Via Roma ' || (i % 200), 'Venezia', 'mario' || (i % 1000) || '@example.org', 1000 + i % 50000, 'TARI 2026 rata unica ' || i, '9/0101101IM/', 1, 0, '$NOW', '$NOW', '$NOW' FROM n;
INSERT INTO receipts (entity_id, receipt_id, dovuto_id, iuv, notice_number, outcome, amount_cents, fee_cents, psp_id, psp_name, payer_kind, payer_id, payer_name, payment_at, primitive, raw_xml, double_payment, received_at)
SELECT 1, 'RCPT' || id, id, iuv, notice_number, 'OK', amount_cents, 100, 'BNKTIT00001', 'Banca Bench', 'F', 'RSSMRA85T10A562S', debtor_name, datetime('2026-06-02 00:00:00', '+' || (id % 2000000) || ' seconds'), 'paSendRTV2', '$RAW', 0, datetime('2026-06-02 00:00:01', '+' || (id % 2000000) || ' seconds') FROM dovuti;"
  start=$(date +%s%N)
  sqlite3 "$WORK/bench.sqlite3" ".mode csv" ".separator ;" ".once $WORK/baseline.csv" "$QUERY"
  base=$(secs "$start")
else
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE $DBNAME" >/dev/null
  URL="${PG_ADMIN_URL%/*}/$DBNAME"
  $BIN migrate --database-url "$URL" >/dev/null
  psql "$URL" -q -v ON_ERROR_STOP=1 -c "BEGIN; $registry
INSERT INTO dovuti (id, entity_id, due_type_id, iud, iuv, notice_number, state, debtor_kind, debtor_id, debtor_name, debtor_address, debtor_city, debtor_email, amount_cents, causale, collection_data, generate_iuv, version, created_at, updated_at, paid_at)
SELECT i, 1, 1, 'BENCH-' || i, lpad(i::text, 17, '0'), '3' || lpad(i::text, 17, '0'), 'COMPLETATO', 'F', 'RSSMRA85T10A562S', 'Mario Rossi ' || i, 'Via Roma ' || (i % 200), 'Venezia', 'mario' || (i % 1000) || '@example.org', 1000 + i % 50000, 'TARI 2026 rata unica ' || i, '9/0101101IM/', TRUE, 0, '$NOW', '$NOW', '$NOW' FROM generate_series(1, $N) i;
INSERT INTO receipts (entity_id, receipt_id, dovuto_id, iuv, notice_number, outcome, amount_cents, fee_cents, psp_id, psp_name, payer_kind, payer_id, payer_name, payment_at, primitive, raw_xml, double_payment, received_at)
SELECT 1, 'RCPT' || id, id, iuv, notice_number, 'OK', amount_cents, 100, 'BNKTIT00001', 'Banca Bench', 'F', 'RSSMRA85T10A562S', debtor_name, timestamp '2026-06-02 00:00:00' + (id % 2000000) * interval '1 second', 'paSendRTV2', '$RAW', FALSE, timestamp '2026-06-02 00:00:01' + (id % 2000000) * interval '1 second' FROM dovuti;
SELECT setval('brokers_id_seq', 1); SELECT setval('stations_id_seq', 1); SELECT setval('entities_id_seq', 1); SELECT setval('due_types_id_seq', 1); SELECT setval('dovuti_id_seq', $N); COMMIT;" >/dev/null
  psql "$URL" -qAtc "VACUUM ANALYZE" >/dev/null
  start=$(date +%s%N)
  psql "$URL" -qAtc "\\copy ($QUERY) TO '$WORK/baseline.csv' WITH (FORMAT csv, DELIMITER ';')" >/dev/null
  base=$(secs "$start")
fi
lines=$(wc -l <"$WORK/baseline.csv")
[ "$lines" -eq "$N" ] || { echo "baseline wrote $lines rows, expected $N" >&2; exit 1; }
echo "RESULT $BACKEND baseline-db-csv-export rows=$N seconds=$base rows_per_s=$(python3 -c "print(round($N / $base))")"
MYPAY_FILES_DIR="$WORK/files" /usr/bin/time -f "%e %M" -o "$WORK/time" $BIN flusso export --ente c_bench --from 2026-06-01 --to 2026-07-31 \
  --versione "$VERSION" --out "$WORK/export.zip" --database-url "$URL" >"$WORK/out" 2>"$WORK/err" \
  || { cat "$WORK/out" "$WORK/err" >&2; exit 1; }
read -r secs_export rss_kb <"$WORK/time"
grep -q "^$N rows in" "$WORK/out" || { cat "$WORK/out" >&2; exit 1; }
echo "RESULT $BACKEND export version=$VERSION rows=$N seconds=$secs_export rows_per_s=$(python3 -c "print(round($N / $secs_export))") ratio_to_db_csv=$(python3 -c "print(round(($N / $secs_export) / ($N / $base), 2))") peak_rss_mib=$((rss_kb / 1024)) zip_mib=$(($(stat -c %s "$WORK/export.zip") / 1048576))"
