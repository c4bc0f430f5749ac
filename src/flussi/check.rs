//! Checking a flusso without importing it: the file-level checks of an import, then every
//! row as the import would decide it — the tracciato and the entity's due types, then
//! what the entity already holds under its IUD and the IUVs already used, each row seeing
//! what the rows before it in the file would have done — so that every reject an import
//! would write is reported, and nothing is written.

use super::accept::duplicate;
use super::archive::{csv_reader, generic, parse_name, prescan, with_csv, FileError};
use super::chunk::refusal;
use super::context::Context;
use super::import::CHUNK;
use super::prepare::{prepare, Prepared, RawRow, Rejected};
use crate::clock::Clock;
use crate::db::models::{flusso, flusso_rows};
use crate::db::{AnyConnection, DbError};
use crate::domain::load::{decide, Change};
use crate::domain::{DovutoState, SegregationCode};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Rows read.
    pub total: u64,
    /// Rows an import would accept.
    pub accepted: u64,
    /// Rows it would reject, in file order: (row, `cod_rifiuto`, `de_rifiuto`, line).
    pub rejects: Vec<Rejected>,
}

/// Checks the zip at `zip`, named `file_name`, as a flusso of entity `entity_id`:
/// `Ok(Err(_))` when the file itself is refused, as an import would refuse it.
pub fn check(
    conn: &mut AnyConnection,
    entity_id: i64,
    (file_name, zip): (&str, &Path),
    clock: Clock,
) -> Result<Result<Report, FileError>, DbError> {
    let name = match parse_name(file_name) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    match flusso::held_import(conn, entity_id, &name.iuf)? {
        Some((_, state)) if state.is_working() => {
            return Ok(Err(duplicate(&name.iuf, "è già in caricamento")))
        }
        Some(_) => return Ok(Err(duplicate(&name.iuf, "è già stato caricato"))),
        None => {}
    }
    let (entity_cf, segregation, due_types) = flusso::entity_setup(conn, entity_id)?;
    let ctx = Context {
        clock,
        flusso_id: 0,
        entity_id,
        entity_cf,
        segregation: SegregationCode::parse(&segregation).map_err(|e| DbError::BadRow {
            table: "entities",
            id: entity_id,
            problem: e.to_string(),
        })?,
        version: name.version,
        due_types: super::context::rules(due_types),
    };
    if let Err(e) = prescan(zip) {
        return Ok(Err(e));
    }
    let mut seen = Seen::default();
    let mut failed: Option<DbError> = None;
    let read = with_csv(zip, |r| {
        let mut reader = csv_reader(r);
        let mut record = csv::StringRecord::new();
        let (mut number, mut rows, mut header) = (0i64, Vec::with_capacity(CHUNK), true);
        let mut round = |rows: Vec<RawRow>, seen: &mut Seen| match seen.decide(conn, &ctx, rows) {
            Ok(()) => Ok(()),
            Err(e) => {
                failed = Some(e);
                Err(generic("verifica interrotta".into()))
            }
        };
        while reader
            .read_record(&mut record)
            .map_err(|e| generic(e.to_string()))?
        {
            if std::mem::take(&mut header) {
                continue;
            }
            number += 1;
            rows.push(RawRow {
                number,
                fields: record.clone(),
            });
            if rows.len() == CHUNK {
                round(
                    std::mem::replace(&mut rows, Vec::with_capacity(CHUNK)),
                    &mut seen,
                )?;
            }
        }
        if !rows.is_empty() {
            round(rows, &mut seen)?;
        }
        Ok(())
    });
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(read.map(|()| seen.report))
}

/// What the rows checked so far would have done, and the report so far.
#[derive(Debug, Default)]
struct Seen {
    /// IUD → the state its dovuto would be in after the rows before.
    iuds: HashMap<String, DovutoState>,
    /// IUVs the rows before would have used.
    iuvs: HashSet<String>,
    report: Report,
}

impl Seen {
    /// Decides a chunk of rows, as `chunk::apply` would, writing nothing.
    fn decide(
        &mut self,
        c: &mut AnyConnection,
        ctx: &Context,
        rows: Vec<RawRow>,
    ) -> Result<(), DbError> {
        let Prepared {
            rows,
            mut rejects,
            good,
        } = prepare(ctx, rows);
        let iuds: Vec<&str> = good.iter().map(|(_, r, _)| r.iud.as_str()).collect();
        let held: HashMap<String, DovutoState> =
            flusso_rows::held_by_iuds(c, ctx.entity_id, &iuds)?
                .into_iter()
                .map(|(iud, (_, state, _))| (iud, state))
                .collect();
        let own: Vec<&str> = good
            .iter()
            .filter_map(|(_, r, _)| r.iuv.as_deref())
            .collect();
        let taken = flusso_rows::iuvs_taken(c, ctx.entity_id, &own)?;
        for (index, row, _) in &good {
            let raw = &rows[*index];
            let state = self.iuds.get(&row.iud).or(held.get(&row.iud)).copied();
            let iuv_taken = state.is_none()
                && row
                    .iuv
                    .as_ref()
                    .is_some_and(|i| taken.contains(i) || self.iuvs.contains(i));
            match decide(row.action, state, iuv_taken) {
                Err(why) => {
                    let (code, text) = refusal(why);
                    rejects.push(raw.reject(code, text));
                }
                Ok(change) => {
                    let after = match change {
                        Change::Insert => DovutoState::Payable,
                        Change::Annul => DovutoState::Cancelled,
                        Change::Modify => state.unwrap_or(DovutoState::Payable),
                    };
                    self.iuds.insert(row.iud.clone(), after);
                    if let Some(i) = &row.iuv {
                        self.iuvs.insert(i.clone());
                    }
                    self.report.accepted += 1;
                }
            }
        }
        rejects.sort_unstable_by_key(|r| r.0);
        self.report.total += rows.len() as u64;
        self.report.rejects.extend(rejects);
        Ok(())
    }
}
