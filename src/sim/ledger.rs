//! What the simulated node remembers of the payments it made, and the reporting flows
//! ("flussi di rendicontazione", `FlussoRiversamento` 1.0.4) it builds from them: one flow
//! per receiving entity, PSP and settlement day, holding one line per transfer paid to that
//! entity. A flow is open while payments keep arriving and is published — frozen, with its
//! `dataOraFlusso` — the first time an EC lists or fetches it; later payments of the same
//! day start a new flow, as a PSP sending several flows a day would.

use super::messages::{find, Psp, Station};
use crate::domain::AmountCents;
use crate::soap::writer::XmlWriter;
use crate::soap::xml::{self, Limits, Node};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Rome;

/// Namespace of `FlussoRiversamento`.
pub const FLUSSO_NS: &str = "http://www.digitpa.gov.it/schemas/2011/Pagamenti/";

/// One transfer of a settled payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledTransfer {
    /// idTransfer (1..5): `indiceDatiSingoloPagamento` in the flow.
    pub index: u8,
    /// The entity that receives this transfer.
    pub fiscal_code_pa: String,
    /// Its name, when the activation stated it (V2).
    pub company_name: Option<String>,
    /// Amount in cents.
    pub cents: i64,
}

/// A payment the simulated PSP collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The broker whose station was called.
    pub broker: String,
    /// The entity that issued the notice.
    pub entity: String,
    /// Its name.
    pub company_name: String,
    /// creditorReferenceId.
    pub iuv: String,
    /// receiptId: the IUR in the flow.
    pub receipt_id: String,
    /// Who collected.
    pub psp: Psp,
    /// When.
    pub paid_at: DateTime<Utc>,
    /// Transfers as activated.
    pub transfers: Vec<SettledTransfer>,
}

impl Settled {
    /// Reads an activation answer (the `paGetPayment(V2)Response` element).
    pub fn from_activation(
        station: &Station,
        answer: &str,
        receipt_id: &str,
        psp: &Psp,
        paid_at: DateTime<Utc>,
    ) -> anyhow::Result<Self> {
        let doc = xml::parse(answer, Limits::default())?;
        let data = find(&doc, "data").context("activation answer has no data")?;
        let text = |n: &Node, name: &str| n.child(None, name).map(|c| c.value().to_owned());
        let list = data
            .child(None, "transferList")
            .context("no transferList")?;
        let mut transfers = Vec::new();
        for t in list.children.iter().filter(|c| c.name == "transfer") {
            let amount = text(t, "transferAmount").unwrap_or_default();
            transfers.push(SettledTransfer {
                index: text(t, "idTransfer")
                    .and_then(|i| i.parse().ok())
                    .context("transfer without a valid idTransfer")?,
                fiscal_code_pa: text(t, "fiscalCodePA").context("transfer without fiscalCodePA")?,
                company_name: text(t, "companyName"),
                cents: AmountCents::parse(&amount)
                    .with_context(|| format!("transferAmount {amount:?}"))?
                    .cents(),
            });
        }
        Ok(Self {
            broker: station.id_broker.clone(),
            entity: station.id_pa.clone(),
            company_name: text(data, "companyName").unwrap_or_default(),
            iuv: text(data, "creditorReferenceId").context("no creditorReferenceId")?,
            receipt_id: receipt_id.to_owned(),
            psp: psp.clone(),
            paid_at,
            transfers,
        })
    }
}

/// One line of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// IUV.
    pub iuv: String,
    /// IUR (the receipt id).
    pub iur: String,
    /// Transfer index.
    pub index: u8,
    /// Cents.
    pub cents: i64,
    /// Payment day (Europe/Rome).
    pub date: NaiveDate,
}

/// A reporting flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// identificativoFlusso: `<settlement day><idPSP>-S<sequence>`.
    pub id: String,
    /// Broker whose stations may fetch it.
    pub broker: String,
    /// Receiving entity's fiscal code.
    pub receiver: String,
    /// Its name, when known.
    pub receiver_name: Option<String>,
    /// The PSP that settles.
    pub psp: Psp,
    /// Settlement day (the payments' day, Europe/Rome).
    pub settlement_date: NaiveDate,
    /// identificativoUnivocoRegolamento: the credit transfer's reference.
    pub settlement_ref: String,
    /// When the flow was published; `None` while open.
    pub published_at: Option<DateTime<Utc>>,
    /// Lines in payment order.
    pub lines: Vec<Line>,
}

impl Flow {
    /// Sum of the lines.
    pub fn total_cents(&self) -> i64 {
        self.lines.iter().map(|l| l.cents).sum()
    }

    /// `dataOraFlusso`: the publication time (or now, for an open flow), Europe/Rome.
    pub fn stamp(&self, now: DateTime<Utc>) -> String {
        self.published_at
            .unwrap_or(now)
            .with_timezone(&Rome)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// The `FlussoRiversamento` document.
    pub fn to_xml(&self, now: DateTime<Utc>) -> String {
        let mut w = XmlWriter::new();
        w.open_with("FlussoRiversamento", &[("xmlns", FLUSSO_NS)])
            .leaf("versioneOggetto", "1.0")
            .leaf("identificativoFlusso", &self.id)
            .leaf("dataOraFlusso", &self.stamp(now))
            .leaf("identificativoUnivocoRegolamento", &self.settlement_ref)
            .leaf("dataRegolamento", &self.settlement_date.to_string())
            .open("istitutoMittente")
            .open("identificativoUnivocoMittente")
            .leaf("tipoIdentificativoUnivoco", "B")
            .leaf("codiceIdentificativoUnivoco", &self.psp.id)
            .close("identificativoUnivocoMittente")
            .leaf("denominazioneMittente", &self.psp.name)
            .close("istitutoMittente")
            .open("istitutoRicevente")
            .open("identificativoUnivocoRicevente")
            .leaf("tipoIdentificativoUnivoco", "G")
            .leaf("codiceIdentificativoUnivoco", &self.receiver)
            .close("identificativoUnivocoRicevente")
            .leaf_opt("denominazioneRicevente", self.receiver_name.as_deref())
            .close("istitutoRicevente")
            .leaf("numeroTotalePagamenti", &self.lines.len().to_string())
            .leaf("importoTotalePagamenti", &money(self.total_cents()));
        for l in &self.lines {
            w.open("datiSingoliPagamenti")
                .leaf("identificativoUnivocoVersamento", &l.iuv)
                .leaf("identificativoUnivocoRiscossione", &l.iur)
                .leaf("indiceDatiSingoloPagamento", &l.index.to_string())
                .leaf("singoloImportoPagato", &money(l.cents))
                .leaf("codiceEsitoSingoloPagamento", "0")
                .leaf("dataEsitoSingoloPagamento", &l.date.to_string())
                .close("datiSingoliPagamenti");
        }
        w.close("FlussoRiversamento");
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", w.finish())
    }
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Which flows a request may see.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// The calling broker.
    pub broker: &'a str,
    /// identificativoDominio, when given.
    pub domain: Option<&'a str>,
    /// identificativoPSP, when given.
    pub psp: Option<&'a str>,
}

impl Filter<'_> {
    fn admits(&self, f: &Flow) -> bool {
        f.broker == self.broker
            && self.domain.is_none_or(|d| d == f.receiver)
            && self.psp.is_none_or(|p| p == f.psp.id)
    }
}

/// Payments made and the flows built from them.
#[derive(Debug, Default)]
pub struct Ledger {
    payments: Vec<Settled>,
    flows: Vec<Flow>,
}

impl Ledger {
    /// Records a settled payment: one line per transfer, in the open flow of its receiver.
    pub fn record(&mut self, p: Settled) {
        let date = p.paid_at.with_timezone(&Rome).date_naive();
        for t in &p.transfers {
            let name = t.company_name.clone().or_else(|| {
                (t.fiscal_code_pa == p.entity && !p.company_name.is_empty())
                    .then(|| p.company_name.clone())
            });
            let line = Line {
                iuv: p.iuv.clone(),
                iur: p.receipt_id.clone(),
                index: t.index,
                cents: t.cents,
                date,
            };
            let open = self.flows.iter_mut().find(|f| {
                f.published_at.is_none()
                    && f.broker == p.broker
                    && f.receiver == t.fiscal_code_pa
                    && f.psp.id == p.psp.id
                    && f.settlement_date == date
            });
            match open {
                Some(f) => {
                    f.receiver_name = f.receiver_name.take().or(name);
                    f.lines.push(line);
                }
                None => {
                    let seq = self.flows.len() + 1;
                    let psp: String = p.psp.id.chars().take(16).collect();
                    self.flows.push(Flow {
                        id: format!("{date}{psp}-S{seq:07}"),
                        broker: p.broker.clone(),
                        receiver: t.fiscal_code_pa.clone(),
                        receiver_name: name,
                        psp: p.psp.clone(),
                        settlement_date: date,
                        settlement_ref: format!("SIMTRN{seq:010}"),
                        published_at: None,
                        lines: vec![line],
                    });
                }
            }
        }
        self.payments.push(p);
    }

    /// Payments recorded so far.
    pub fn payments(&self) -> &[Settled] {
        &self.payments
    }

    /// Lists (and publishes) the flows the filter admits: `(id, dataOraFlusso)`.
    pub fn list(&mut self, filter: Filter<'_>, now: DateTime<Utc>) -> Vec<(String, String)> {
        self.flows
            .iter_mut()
            .filter(|f| filter.admits(f))
            .map(|f| {
                f.published_at.get_or_insert(now);
                (f.id.clone(), f.stamp(now))
            })
            .collect()
    }

    /// One flow's XML (publishing it), when the filter admits it.
    pub fn fetch(&mut self, filter: Filter<'_>, id: &str, now: DateTime<Utc>) -> Option<String> {
        let f = self
            .flows
            .iter_mut()
            .find(|f| f.id == id && filter.admits(f))?;
        f.published_at.get_or_insert(now);
        Some(f.to_xml(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(iuv: &str, psp: &str, at: &str, transfers: &[(&str, i64)]) -> Settled {
        Settled {
            broker: "B1".into(),
            entity: "80000000010".into(),
            company_name: "Comune".into(),
            iuv: iuv.into(),
            receipt_id: format!("r-{iuv}"),
            psp: Psp {
                id: psp.into(),
                ..Psp::default()
            },
            paid_at: at.parse().unwrap(),
            transfers: transfers
                .iter()
                .enumerate()
                .map(|(i, (cf, cents))| SettledTransfer {
                    index: i as u8 + 1,
                    fiscal_code_pa: (*cf).into(),
                    company_name: None,
                    cents: *cents,
                })
                .collect(),
        }
    }

    fn all() -> Filter<'static> {
        Filter {
            broker: "B1",
            domain: None,
            psp: None,
        }
    }

    #[test]
    fn flows_group_per_receiver_psp_and_day_and_freeze_once_listed() {
        let mut l = Ledger::default();
        l.record(paid(
            "1",
            "P1",
            "2026-11-28T10:00:00Z",
            &[("80000000010", 1000)],
        ));
        l.record(paid(
            "2",
            "P1",
            "2026-11-28T11:00:00Z",
            &[("80000000010", 700), ("02000000022", 300)],
        ));
        // 23:30 UTC is already the next day in Rome.
        l.record(paid(
            "3",
            "P1",
            "2026-11-28T23:30:00Z",
            &[("80000000010", 5)],
        ));
        l.record(paid(
            "4",
            "P2",
            "2026-11-28T12:00:00Z",
            &[("80000000010", 1)],
        ));
        let now = "2026-11-29T08:00:00Z".parse().unwrap();
        let listed = l.list(all(), now);
        assert_eq!(listed.len(), 4);
        let first = &l.flows[0];
        assert_eq!(first.lines.len(), 2);
        assert_eq!(first.total_cents(), 1700);
        assert_eq!(l.flows[2].settlement_date.to_string(), "2026-11-29");
        // After publication a new payment opens a new flow.
        l.record(paid(
            "5",
            "P1",
            "2026-11-28T12:00:00Z",
            &[("80000000010", 9)],
        ));
        assert_eq!(l.flows.len(), 5);
        let only = Filter {
            domain: Some("02000000022"),
            ..all()
        };
        assert_eq!(l.list(only, now).len(), 1);
        let other = Filter {
            broker: "B2",
            ..all()
        };
        assert!(l.list(other, now).is_empty());
        let xml = l.fetch(all(), &listed[0].0, now).unwrap();
        assert!(xml.contains("<importoTotalePagamenti>17.00</importoTotalePagamenti>"));
        assert!(xml.contains("<indiceDatiSingoloPagamento>1</indiceDatiSingoloPagamento>"));
        assert!(l.fetch(all(), "nope", now).is_none());
    }
}
