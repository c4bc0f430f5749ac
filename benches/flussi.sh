#!/usr/bin/env bash
# Flusso import benchmark: `mypay flusso import` of an N-row tracciato 1_4 flusso (35
# columns, every row valid, IUVs generated), beside the same machine's raw bulk load of the
# same rows measured in the same run: `sqlite3 .import` (one transaction) into a 35-column
# table with a unique index on the IUD, and `\copy … FROM … (FORMAT csv)` into the same on
# PostgreSQL (the loads of the performance-baselines note) — and the same load moved by one
# INSERT … SELECT into a copy of the real dovuti table with its indexes ("equivalent
# table"). On PostgreSQL also the schema's floor: the finished rows COPYed straight into a
# fresh dovuti. Reports rows/s, the ratios to the baselines and peak RSS.
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
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS ${DBNAME}_floor WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS ${DBNAME}_raw WITH (FORCE)" >/dev/null 2>&1 || true
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE IF EXISTS ${DBNAME}_eq WITH (FORCE)" >/dev/null 2>&1 || true
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
# The "equivalent table" baseline: the same rows bulk-loaded, then moved by one
# INSERT … SELECT into a scratch copy of the real dovuti table (same unique and secondary
# indexes, IUVs numbered in SQL): what the schema alone costs, without our parsing,
# checks, chunking and bookkeeping.
DOVUTI_COLS="entity_id, due_type_id, iud, iuv, notice_number, state, debtor_kind, debtor_id, debtor_name, debtor_address, debtor_civic_number, debtor_postal_code, debtor_city, debtor_province, debtor_country, debtor_email, amount_cents, due_date, causale, collection_data, generate_iuv, flusso_row, version, created_at, updated_at, iuv_assigned_at"
DOVUTI_COLS_FLUSSO="${DOVUTI_COLS/flusso_row/flusso_id, flusso_row}"
MOVE_SQLITE="INSERT INTO dovuti ($DOVUTI_COLS) SELECT 1, 1, c0, printf('01%015d', rowid), printf('301%015d', rowid), 'PREDISPOSTO', c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, CAST(ROUND(c13 * 100) AS INTEGER), c12, c17, c18, 1, rowid, 0, '$NOW', '$NOW', '$NOW' FROM raw;"
MOVE_PG="INSERT INTO dovuti ($DOVUTI_COLS) SELECT 1, 1, c0, '01' || lpad(n::text, 15, '0'), '301' || lpad(n::text, 15, '0'), 'PREDISPOSTO', c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, round(c13::numeric * 100)::bigint, c12::date, c17, c18, TRUE, n, 0, '$NOW', '$NOW', '$NOW' FROM (SELECT *, row_number() OVER () AS n FROM raw) r;"
if [ "$BACKEND" = sqlite ]; then
  sqlite3 "$WORK/raw.sqlite3" "PRAGMA journal_mode=WAL; CREATE TABLE raw ($raw_cols); CREATE UNIQUE INDEX raw_iud ON raw (c0);" >/dev/null
  sync; start=$(date +%s%N)
  sqlite3 "$WORK/raw.sqlite3" ".mode csv" ".separator ;" "BEGIN;" ".import --skip 1 $WORK/rows.csv raw" "COMMIT;"
  base=$(secs "$start")
  $BIN migrate --database-url "sqlite://$WORK/eq.sqlite3" >/dev/null
  sqlite3 "$WORK/eq.sqlite3" "$registry CREATE TABLE raw ($raw_cols);" >/dev/null
  sync; start=$(date +%s%N)
  sqlite3 "$WORK/eq.sqlite3" ".mode csv" ".separator ;" ".import --skip 1 $WORK/rows.csv raw" "$MOVE_SQLITE"
  equiv=$(secs "$start")
  URL="sqlite://$WORK/bench.sqlite3"
  $BIN migrate --database-url "$URL" >/dev/null
  sqlite3 "$WORK/bench.sqlite3" "$registry"
else
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE ${DBNAME}_raw" >/dev/null
  RAW="${PG_ADMIN_URL%/*}/${DBNAME}_raw"
  psql "$RAW" -qAtc "CREATE TABLE raw ($raw_cols)" -c "CREATE UNIQUE INDEX raw_iud ON raw (c0)" >/dev/null
  sync; start=$(date +%s%N)
  psql "$RAW" -qAtc "\\copy raw FROM '$WORK/rows.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)" >/dev/null
  base=$(secs "$start")
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE ${DBNAME}_eq" >/dev/null
  EQ="${PG_ADMIN_URL%/*}/${DBNAME}_eq"
  $BIN migrate --database-url "$EQ" >/dev/null
  psql "$EQ" -q -v ON_ERROR_STOP=1 -c "BEGIN; $registry COMMIT;" -c "CREATE TABLE raw ($raw_cols)" >/dev/null
  sync; start=$(date +%s%N)
  psql "$EQ" -qAtc "\\copy raw FROM '$WORK/rows.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)" -c "$MOVE_PG" >/dev/null
  equiv=$(secs "$start")
  # The schema's floor: the rows exactly as dovuti stores them (IUVs, notice numbers,
  # cents, timestamps already made), COPYed straight into a fresh copy of dovuti — what
  # PostgreSQL itself spends on the table and its indexes, with no client work at all.
  python3 - "$WORK" "$N" "$NOW" <<'PY'
import sys
work, n, now = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(f"{work}/finished.csv", "w") as f:
    for i in range(n):
        f.write(f"1;1;BENCH-{i};01{i:015d};301{i:015d};PREDISPOSTO;F;RSSMRA85T10A562S;Mario Rossi {i};Via Roma;{i % 200};30100;Venezia;VE;IT;mario{i % 1000}@example.org;{(10 + i % 500) * 100 + i % 100};2027-12-31;TARI 2026 rata unica {i};9/0101101IM/;t;1;{i};0;{now};{now};{now}\n")
PY
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE ${DBNAME}_floor" >/dev/null
  FLOOR="${PG_ADMIN_URL%/*}/${DBNAME}_floor"
  $BIN migrate --database-url "$FLOOR" >/dev/null
  sync; start=$(date +%s%N)
  psql "$FLOOR" -qAtc "\\copy dovuti ($DOVUTI_COLS_FLUSSO) FROM '$WORK/finished.csv' WITH (FORMAT csv, DELIMITER ';')" >/dev/null
  floor=$(secs "$start")
  rm -f "$WORK/finished.csv"
  psql "$PG_ADMIN_URL" -qAtc "DROP DATABASE ${DBNAME}_floor WITH (FORCE)" >/dev/null
  psql "$PG_ADMIN_URL" -qAtc "CREATE DATABASE $DBNAME" >/dev/null
  URL="${PG_ADMIN_URL%/*}/$DBNAME"
  $BIN migrate --database-url "$URL" >/dev/null
  psql "$URL" -q -v ON_ERROR_STOP=1 -c "BEGIN; $registry SELECT setval('brokers_id_seq', 1); SELECT setval('stations_id_seq', 1); SELECT setval('entities_id_seq', 1); SELECT setval('due_types_id_seq', 1); COMMIT;" >/dev/null
fi
echo "RESULT $BACKEND baseline-bulk-load rows=$N seconds=$base rows_per_s=$(python3 -c "print(round($N / $base))")"
echo "RESULT $BACKEND baseline-equivalent-table rows=$N seconds=$equiv rows_per_s=$(python3 -c "print(round($N / $equiv))")"
[ -n "${floor:-}" ] && echo "RESULT $BACKEND floor-copy-finished-rows-into-dovuti rows=$N seconds=$floor rows_per_s=$(python3 -c "print(round($N / $floor))") ratio_to_bulk_load=$(python3 -c "print(round($base / $floor, 2))")"
cd "$WORK"
sync
/usr/bin/time -f "%e %M" -o "$WORK/time" $BIN flusso import "$WORK/BENCH-IUF1-1_4.zip" --ente c_bench --database-url "$URL" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/out" "$WORK/err" >&2; exit 1; }
read -r secs_import rss_kb <"$WORK/time"
grep -q "$N rows: $N accepted, 0 rejected" "$WORK/out" || { cat "$WORK/out" >&2; exit 1; }
echo "RESULT $BACKEND import rows=$N seconds=$secs_import rows_per_s=$(python3 -c "print(round($N / $secs_import))") ratio_to_bulk_load=$(python3 -c "print(round(($N / $secs_import) / ($N / $base), 2))") ratio_to_equivalent_table=$(python3 -c "print(round($equiv / $secs_import, 2))") peak_rss_mib=$((rss_kb / 1024))"
