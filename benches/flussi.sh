#!/usr/bin/env bash
# Flusso import benchmark: `mypay flusso import` of an N-row tracciato 1_4 flusso (35
# columns, every row valid, IUVs generated), beside the same machine's raw bulk load of the
# same rows measured in the same run: `sqlite3 .import` into a 35-column table, and
# `\copy … FROM … (FORMAT csv)` on PostgreSQL. Reports rows/s, the ratio to the baseline
# and peak RSS.
#
#   benches/flussi.sh [sqlite|postgres] [N=1000000]
#
# Needs: sqlite3, psql (postgres backend; $PG_ADMIN_URL, default
# postgres://postgres@127.0.0.1:5432/postgres), GNU time, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}; N=${2:-1000000}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in sqlite3 psql /usr/bin/time python3; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
cargo build --release --quiet
BIN=$PWD/target/release/mypay
WORK=$(mktemp -d /tmp/mypay-flussi.XXXXXX)
DBNAME="mypay_flussi_$$"
cleanup() {
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS ${DBNAME}_raw WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The flusso: header + N rows of 35 columns (1_4, not multi-beneficiary), zipped.
python3 - "$WORK" "$N" <<'PY'
import sys, zipfile
work, n = sys.argv[1], int(sys.argv[2])
cols = ["IUD","codIuv","tipoIdentificativoUnivoco","codiceIdentificativoUnivoco","anagraficaPagatore","indirizzoPagatore","civicoPagatore","capPagatore","localitaPagatore","provinciaPagatore","nazionePagatore","mailPagatore","dataEsecuzionePagamento","importoDovuto","commissioneCaricoPa","tipoDovuto","tipoVersamento","causaleVersamento","datiSpecificiRiscossione","bilancio","flgGeneraIuv","flagMultiBeneficiario"] + [f"secondario{i}" for i in range(12)] + ["azione"]
with open(f"{work}/rows.csv", "w") as f:
    f.write(";".join(cols) + "\n")
    for i in range(n):
        f.write(f"BENCH-{i};;F;RSSMRA85T10A562S;Mario Rossi {i};Via Roma;{i % 200};30100;Venezia;VE;IT;mario{i % 1000}@example.org;2027-12-31;{10 + i % 500}.{i % 100:02d};;TARI;ALL;TARI 2026 rata unica {i};9/0101101IM/;;true;false;;;;;;;;;;;;;I\n")
with zipfile.ZipFile(f"{work}/BENCH-IUF1-1_4.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(f"{work}/rows.csv", "BENCH-IUF1-1_4.csv")
PY
raw_cols=$(python3 -c "print(', '.join(f'c{i} TEXT' for i in range(35)))")
NOW="2026-11-28 12:00:00"
registry="INSERT INTO brokers (id, code, name, created_at) VALUES (1, '97000000014', 'Bench', '$NOW');
INSERT INTO stations (id, broker_id, code, aux_digit, primitive_version, broadcast, active, created_at) VALUES (1, 1, '97000000014_01', 3, 'V2', FALSE, TRUE, '$NOW');
INSERT INTO entities (id, cod_ipa, fiscal_code, name, state, station_id, segregation_code, created_at, updated_at) VALUES (1, 'c_bench', '80000000010', 'Comune di Borgo Demo', 'ESERCIZIO', 1, '01', '$NOW', '$NOW');
INSERT INTO due_types (id, entity_id, code, description, bank_iban, collection_data, spontaneous, due_date_required, print_due_date, anonymous_debtor_allowed, notice_printing, active, created_at, updated_at) VALUES (1, 1, 'TARI', 'Tassa rifiuti', 'IT60X0542811101000000123456', '9/0101101IM/', FALSE, FALSE, TRUE, FALSE, TRUE, TRUE, '$NOW', '$NOW');"

secs() { python3 -c "print(round(($(date +%s%N) - $1) / 1e9, 2))"; }
if [ "$BACKEND" = sqlite ]; then
  sqlite3 "$WORK/raw.sqlite3" "PRAGMA journal_mode=WAL; CREATE TABLE raw ($raw_cols);" >/dev/null
  start=$(date +%s%N)
  sqlite3 "$WORK/raw.sqlite3" ".mode csv" ".separator ;" ".import --skip 1 $WORK/rows.csv raw"
  base=$(secs "$start")
  URL="sqlite://$WORK/bench.sqlite3"
  $BIN migrate --database-url "$URL" >/dev/null
  sqlite3 "$WORK/bench.sqlite3" "$registry"
else
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE ${DBNAME}_raw" >/dev/null
  RAW="${PG_ADMIN_URL%/*}/${DBNAME}_raw"
  psql "$RAW" -qAtc "CREATE TABLE raw ($raw_cols)" >/dev/null
  start=$(date +%s%N)
  psql "$RAW" -qAtc "\\copy raw FROM '$WORK/rows.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)" >/dev/null
  base=$(secs "$start")
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE $DBNAME" >/dev/null
  URL="${PG_ADMIN_URL%/*}/$DBNAME"
  $BIN migrate --database-url "$URL" >/dev/null
  psql "$URL" -q -v ON_ERROR_STOP=1 -c "BEGIN; $registry SELECT setval('brokers_id_seq', 1); SELECT setval('stations_id_seq', 1); SELECT setval('entities_id_seq', 1); SELECT setval('due_types_id_seq', 1); COMMIT;" >/dev/null
fi
echo "RESULT $BACKEND baseline-bulk-load rows=$N seconds=$base rows_per_s=$(python3 -c "print(round($N / $base))")"
cd "$WORK"
/usr/bin/time -f "%e %M" -o "$WORK/time" $BIN flusso import "$WORK/BENCH-IUF1-1_4.zip" --ente c_bench --database-url "$URL" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/out" "$WORK/err" >&2; exit 1; }
read -r secs_import rss_kb <"$WORK/time"
grep -q "$N rows: $N accepted, 0 rejected" "$WORK/out" || { cat "$WORK/out" >&2; exit 1; }
echo "RESULT $BACKEND import rows=$N seconds=$secs_import rows_per_s=$(python3 -c "print(round($N / $secs_import))") ratio_to_bulk_load=$(python3 -c "print(round(($N / $secs_import) / ($N / $base), 2))") peak_rss_mib=$((rss_kb / 1024))"
