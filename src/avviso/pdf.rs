//! The A4 payment notice ("avviso di pagamento") in the pagoPA layout, single payment: who
//! asks (entity), who pays (recipient), how much and by when, where to pay, the payment data
//! with the QR code and — when the due type has a postal account — the "Bollettino Postale
//! PA" part with Poste's Data Matrix. Fonts (Titillium Web, SIL OFL 1.1) are embedded, so
//! the PDF renders the same everywhere; text wider than its field is shortened with "...".

use super::symbols::{self, Matrix};
use crate::domain::datamatrix::{poste_datamatrix, PostalPayment};
use crate::domain::qr::qr_string;
use crate::domain::{AmountCents, NoticeNumber, PartitaIva};
use chrono::NaiveDate;
use printpdf::{
    Color, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, Rgb, TextItem,
};

/// Where the Poste Data Matrix is drawn: left edge and top edge (mm from the page's left and
/// bottom edges) and module size in mm. Public for tests that read it from a rendering.
pub const DATAMATRIX_AT: (f32, f32, f32) = (150.0, 126.0, 0.8);
/// Top of the postal part, mm from the bottom edge.
const POSTAL_TOP: f32 = 130.0;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/TitilliumWeb-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/TitilliumWeb-Bold.ttf");

/// The postal current account a notice can also be paid on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAccount {
    /// Account number (digits).
    pub number: String,
    /// Account holder as registered with Poste.
    pub holder: String,
    /// Poste's authorisation to print bollettini ("autorizzazione stampa in proprio").
    pub authorisation: Option<String>,
}

/// What a single-payment notice shows.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// Entity name.
    pub entity_name: &'a str,
    /// Entity sector / office.
    pub entity_sector: Option<&'a str>,
    /// Entity fiscal code.
    pub entity_cf: &'a PartitaIva,
    /// Recipient's name.
    pub debtor_name: &'a str,
    /// Recipient's fiscal code.
    pub debtor_id: &'a str,
    /// Recipient's address on one line.
    pub debtor_address: Option<&'a str>,
    /// What is paid (oggetto del pagamento).
    pub subject: &'a str,
    /// Amount.
    pub amount: AmountCents,
    /// Due date; `None` prints a notice without due date.
    pub due_date: Option<NaiveDate>,
    /// The notice number.
    pub notice: &'a NoticeNumber,
    /// Postal account, when the due type has one.
    pub postal: Option<PostalAccount>,
}

/// Why a notice could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum AvvisoError {
    /// A code could not be built (e.g. a postal account that does not fit).
    #[error("{0}")]
    Code(String),
    /// The embedded fonts could not be read (a build problem).
    #[error("font: {0}")]
    Font(String),
}

struct Fonts {
    regular: PdfFontHandle,
    bold: PdfFontHandle,
    metrics: ParsedFont,
}

/// Draw operations for one page, in points from the bottom-left corner.
struct Page<'f> {
    ops: Vec<Op>,
    fonts: &'f Fonts,
}

impl Page<'_> {
    fn text(&mut self, x_mm: f32, y_mm: f32, size: f32, bold: bool, text: &str) {
        let font = if bold {
            self.fonts.bold.clone()
        } else {
            self.fonts.regular.clone()
        };
        self.ops.extend([
            // Rules and codes change the fill colour; text is always black.
            Op::SetFillColor {
                col: Color::Rgb(Rgb {
                    r: 0.0,
                    g: 0.0,
                    b: 0.0,
                    icc_profile: None,
                }),
            },
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x_mm).into(),
                    y: Mm(y_mm).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text shortened to `width_mm` at this size.
    fn fitted(&mut self, x_mm: f32, y_mm: f32, size: f32, bold: bool, width_mm: f32, text: &str) {
        let shown = fit(&self.fonts.metrics, text, size, Mm(width_mm).into_pt().0);
        self.text(x_mm, y_mm, size, bold, &shown);
    }

    fn rule(&mut self, y_mm: f32) {
        self.fill_rect(15.0, y_mm, 180.0, 0.3, 0.6);
    }

    fn fill_rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, grey: f32) {
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: grey,
                g: grey,
                b: grey,
                icc_profile: None,
            }),
        });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(
                    Mm(x_mm).into(),
                    Mm(y_mm).into(),
                    Mm(w_mm).into(),
                    Mm(h_mm).into(),
                )
            },
        });
    }

    /// A 2D code with its top-left corner at (x, y_top), `module_mm` per module.
    fn symbol(&mut self, m: &Matrix, x_mm: f32, y_top_mm: f32, module_mm: f32) {
        for y in 0..m.size {
            for x in 0..m.size {
                if m.dark(x, y) {
                    let px = x_mm + x as f32 * module_mm;
                    let py = y_top_mm - (y as f32 + 1.0) * module_mm;
                    self.fill_rect(px, py, module_mm, module_mm, 0.0);
                }
            }
        }
    }
}

/// `text` as wide as fits in `max_pt` at `size`, with "..." when cut.
fn fit(font: &ParsedFont, text: &str, size: f32, max_pt: f32) -> String {
    let width = |s: &str| -> f32 {
        let units: u32 = s
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32)
                    .and_then(|g| font.get_glyph_width(g))
                    .map_or(500, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(font.units_per_em.max(1))
    };
    if width(text) <= max_pt {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && width(&format!("{cut}...")) > max_pt {
        cut.pop();
    }
    format!("{}...", cut.trim_end())
}

fn euro(a: AmountCents) -> String {
    format!("{} Euro", a.to_italian())
}

/// Renders the notice as PDF bytes.
pub fn render(n: &Notice<'_>) -> Result<Vec<u8>, AvvisoError> {
    let mut warnings = Vec::new();
    let regular = ParsedFont::from_bytes(REGULAR, 0, &mut warnings)
        .ok_or_else(|| AvvisoError::Font("Titillium Web Regular".into()))?;
    let bold = ParsedFont::from_bytes(BOLD, 0, &mut warnings)
        .ok_or_else(|| AvvisoError::Font("Titillium Web Bold".into()))?;
    let mut doc = PdfDocument::new(&format!("Avviso di pagamento {}", n.notice.as_str()));
    let fonts = Fonts {
        regular: PdfFontHandle::External(doc.add_font(&regular)),
        bold: PdfFontHandle::External(doc.add_font(&bold)),
        metrics: regular,
    };
    let qr = symbols::qr(&qr_string(n.notice, n.entity_cf, n.amount))
        .map_err(|e| AvvisoError::Code(e.to_string()))?;
    let mut p = Page {
        ops: Vec::new(),
        fonts: &fonts,
    };
    let due = n.due_date.map(|d| d.format("%d/%m/%Y").to_string());
    let grouped = n.notice.formatted();

    p.text(15.0, 280.0, 16.0, true, "AVVISO DI PAGAMENTO");
    p.fitted(15.0, 273.0, 11.0, false, 180.0, n.subject);
    p.rule(268.0);
    p.text(15.0, 262.0, 8.0, true, "ENTE CREDITORE");
    p.fitted(15.0, 256.0, 12.0, true, 85.0, n.entity_name);
    if let Some(sector) = n.entity_sector {
        p.fitted(15.0, 251.0, 9.0, false, 85.0, sector);
    }
    p.text(
        15.0,
        246.0,
        9.0,
        false,
        &format!("Codice fiscale {}", n.entity_cf.as_str()),
    );
    p.text(110.0, 262.0, 8.0, true, "DESTINATARIO AVVISO");
    p.fitted(110.0, 256.0, 12.0, true, 85.0, n.debtor_name);
    p.text(
        110.0,
        251.0,
        9.0,
        false,
        &format!("Codice fiscale {}", n.debtor_id),
    );
    if let Some(address) = n.debtor_address {
        p.fitted(110.0, 246.0, 9.0, false, 85.0, address);
    }
    p.rule(240.0);
    p.text(15.0, 233.0, 8.0, true, "QUANTO E QUANDO PAGARE?");
    let when = match &due {
        Some(d) => format!("{} entro il {d}", euro(n.amount)),
        None => format!("{} (avviso senza scadenza)", euro(n.amount)),
    };
    p.text(15.0, 226.0, 14.0, true, &when);
    p.fitted(15.0, 220.0, 8.0, false, 180.0, "L'importo è aggiornato automaticamente dal sistema e potrebbe subire variazioni per eventuali sgravi, note di credito, indennità di mora, sanzioni o interessi.");
    p.text(15.0, 213.0, 8.0, true, "DOVE PAGARE?");
    let channels = [
        "Con l'app IO, sul sito o l'app del tuo Ente Creditore, della tua banca o di altri canali abilitati a pagoPA.",
        "Sul territorio: in banca, negli uffici postali, nei punti vendita abilitati (ricevitorie, tabaccherie, supermercati) e agli ATM.",
    ];
    for (i, line) in channels.iter().enumerate() {
        p.fitted(15.0, 207.0 - i as f32 * 5.0, 9.0, false, 180.0, line);
    }
    p.rule(188.0);

    // Payment data: banks and other channels, with the QR code.
    let top = 180.0;
    p.text(15.0, top, 8.0, true, "BANCHE E ALTRI CANALI");
    p.symbol(&qr, 15.0, top - 4.0, 0.9);
    let x = 52.0;
    p.text(x, top - 6.0, 8.0, false, "Destinatario");
    p.fitted(x + 30.0, top - 6.0, 9.0, true, 110.0, n.debtor_name);
    p.text(x, top - 11.0, 8.0, false, "Ente Creditore");
    p.fitted(x + 30.0, top - 11.0, 9.0, true, 110.0, n.entity_name);
    p.text(x, top - 16.0, 8.0, false, "Oggetto del pagamento");
    p.fitted(x + 30.0, top - 16.0, 9.0, false, 110.0, n.subject);
    p.text(x, top - 23.0, 8.0, false, "Codice Avviso");
    p.text(x + 30.0, top - 23.0, 11.0, true, &grouped);
    p.text(x, top - 28.0, 8.0, false, "Cod. Fiscale Ente Creditore");
    p.text(x + 42.0, top - 28.0, 11.0, true, n.entity_cf.as_str());
    p.text(x, top - 34.0, 8.0, false, "Importo");
    p.text(x + 30.0, top - 34.0, 12.0, true, &euro(n.amount));
    if let Some(d) = &due {
        p.text(x + 80.0, top - 34.0, 8.0, false, &format!("entro il {d}"));
    }

    if let Some(postal) = &n.postal {
        render_postal(&mut p, n, postal, POSTAL_TOP)?;
    }
    let page = PdfPage::new(Mm(210.0), Mm(297.0), p.ops);
    Ok(doc
        .with_pages(vec![page])
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}

fn render_postal(
    p: &mut Page<'_>,
    n: &Notice<'_>,
    postal: &PostalAccount,
    top: f32,
) -> Result<(), AvvisoError> {
    let payload = poste_datamatrix(&PostalPayment {
        notice: n.notice,
        account: &postal.number,
        amount: n.amount,
        entity: n.entity_cf,
        debtor_id: n.debtor_id,
        debtor_name: n.debtor_name,
        causale: n.subject,
    })
    .map_err(|e| AvvisoError::Code(e.to_string()))?;
    let dm = symbols::datamatrix(&payload).map_err(|e| AvvisoError::Code(e.to_string()))?;
    p.rule(top + 6.0);
    p.text(15.0, top, 8.0, true, "BOLLETTINO POSTALE PA");
    p.text(
        15.0,
        top - 6.0,
        9.0,
        false,
        &format!("sul C/C n. {}", postal.number),
    );
    p.fitted(
        15.0,
        top - 11.0,
        9.0,
        false,
        120.0,
        &format!("Intestato a {}", postal.holder),
    );
    p.fitted(
        15.0,
        top - 16.0,
        9.0,
        false,
        120.0,
        &format!("Destinatario {}", n.debtor_name),
    );
    p.fitted(
        15.0,
        top - 21.0,
        9.0,
        false,
        120.0,
        &format!("Oggetto {}", n.subject),
    );
    p.text(15.0, top - 28.0, 8.0, false, "Codice Avviso");
    p.text(45.0, top - 28.0, 11.0, true, &n.notice.formatted());
    p.text(15.0, top - 33.0, 8.0, false, "Tipo");
    p.text(45.0, top - 33.0, 11.0, true, "P1");
    p.text(15.0, top - 38.0, 8.0, false, "Cod. Fiscale Ente Creditore");
    p.text(60.0, top - 38.0, 11.0, true, n.entity_cf.as_str());
    p.text(15.0, top - 43.0, 8.0, false, "Importo");
    p.text(45.0, top - 43.0, 12.0, true, &euro(n.amount));
    if let Some(auth) = &postal.authorisation {
        p.fitted(15.0, top - 49.0, 7.0, false, 120.0, &format!("Aut. {auth}"));
    }
    let (x, y_top, module) = DATAMATRIX_AT;
    p.symbol(&dm, x, y_top, module);
    Ok(())
}
