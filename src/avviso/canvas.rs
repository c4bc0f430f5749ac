//! Drawing primitives shared by the notice and receipt layouts: embedded fonts (parsed once
//! per process, so bulk generation does not re-parse them for every document), text that is
//! shortened to its field, rules, filled boxes, 2D codes and the entity logo.

use super::symbols::Matrix;
use printpdf::{
    Color, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, RawImage, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/TitilliumWeb-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/TitilliumWeb-Bold.ttf");

/// A4 width and height in mm.
pub const A4: (f32, f32) = (210.0, 297.0);

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum AvvisoError {
    /// A code could not be built (e.g. a postal account that does not fit).
    #[error("{0}")]
    Code(String),
    /// The embedded fonts could not be read (a build problem).
    #[error("font: {0}")]
    Font(String),
}

/// The two embedded faces, parsed once.
struct Faces {
    regular: ParsedFont,
    bold: ParsedFont,
}

fn faces() -> Result<&'static Faces, AvvisoError> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let mut warnings = Vec::new();
            let regular =
                ParsedFont::from_bytes(REGULAR, 0, &mut warnings).ok_or("Titillium Web Regular")?;
            let bold =
                ParsedFont::from_bytes(BOLD, 0, &mut warnings).ok_or("Titillium Web Bold")?;
            Ok(Faces { regular, bold })
        })
        .as_ref()
        .map_err(|e| AvvisoError::Font(e.clone()))
}

/// Why an image cannot be an entity logo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadLogo(String);

/// An entity logo decoded once (PNG or JPEG), drawn into a box keeping its proportions.
#[derive(Debug, Clone)]
pub struct Logo {
    image: RawImage,
}

impl Logo {
    /// Decodes PNG or JPEG bytes; the error says why the image is not usable.
    pub fn decode(bytes: &[u8]) -> Result<Self, BadLogo> {
        let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(BadLogo)?;
        if image.width == 0 || image.height == 0 {
            return Err(BadLogo("empty image".into()));
        }
        Ok(Self { image })
    }
}

/// A PDF being written: its fonts and finished pages.
pub struct Document {
    doc: PdfDocument,
    regular: PdfFontHandle,
    bold: PdfFontHandle,
    pages: Vec<PdfPage>,
}

impl Document {
    /// A new document titled `title` with the embedded fonts.
    pub fn new(title: &str) -> Result<Self, AvvisoError> {
        let faces = faces()?;
        let mut doc = PdfDocument::new(title);
        let regular = PdfFontHandle::External(doc.add_font(&faces.regular));
        let bold = PdfFontHandle::External(doc.add_font(&faces.bold));
        Ok(Self {
            doc,
            regular,
            bold,
            pages: Vec::new(),
        })
    }

    /// Starts an A4 page; finish it with [`Document::push`].
    pub fn page(&self) -> Page {
        Page {
            ops: Vec::new(),
            regular: self.regular.clone(),
            bold: self.bold.clone(),
        }
    }

    /// Adds a finished page.
    pub fn push(&mut self, page: Page) {
        self.pages.push(PdfPage::new(Mm(A4.0), Mm(A4.1), page.ops));
    }

    /// Registers a logo for use on pages.
    pub fn logo(&mut self, logo: &Logo) -> PlacedLogo {
        PlacedLogo {
            id: self.doc.add_image(&logo.image),
            width: logo.image.width as f32,
            height: logo.image.height as f32,
        }
    }

    /// The PDF bytes.
    pub fn finish(self) -> Vec<u8> {
        let Document { mut doc, pages, .. } = self;
        doc.with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// A logo registered in a document.
#[derive(Debug, Clone)]
pub struct PlacedLogo {
    id: XObjectId,
    width: f32,
    height: f32,
}

/// Draw operations for one page, in mm from the bottom-left corner.
pub struct Page {
    ops: Vec<Op>,
    regular: PdfFontHandle,
    bold: PdfFontHandle,
}

fn grey(level: f32) -> Color {
    Color::Rgb(Rgb {
        r: level,
        g: level,
        b: level,
        icc_profile: None,
    })
}

impl Page {
    /// Text with its baseline starting at (x, y).
    pub fn text(&mut self, x_mm: f32, y_mm: f32, size: f32, bold: bool, text: &str) {
        let font = if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        };
        self.ops.extend([
            // Rules and codes change the fill colour; text is always black.
            Op::SetFillColor { col: grey(0.0) },
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
    pub fn fitted(
        &mut self,
        x_mm: f32,
        y_mm: f32,
        size: f32,
        bold: bool,
        width_mm: f32,
        text: &str,
    ) {
        let shown = faces().map_or_else(
            |_| text.to_owned(),
            |f| {
                let face = if bold { &f.bold } else { &f.regular };
                fit(face, text, size, Mm(width_mm).into_pt().0)
            },
        );
        self.text(x_mm, y_mm, size, bold, &shown);
    }

    /// A thin horizontal rule across the printable width.
    pub fn rule(&mut self, y_mm: f32) {
        self.fill_rect(15.0, y_mm, 180.0, 0.3, 0.6);
    }

    /// A filled rectangle in a grey level (0 black, 1 white).
    pub fn fill_rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, level: f32) {
        self.ops.push(Op::SetFillColor { col: grey(level) });
        self.rect(x_mm, y_mm, w_mm, h_mm);
    }

    /// A rectangle in the current fill colour.
    fn rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32) {
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

    /// A 2D code with its top-left corner at (x, y_top), `module_mm` per module. Each run of
    /// dark modules in a row is one rectangle (a Data Matrix has thousands of modules).
    pub fn symbol(&mut self, m: &Matrix, x_mm: f32, y_top_mm: f32, module_mm: f32) {
        self.ops.push(Op::SetFillColor { col: grey(0.0) });
        for y in 0..m.size {
            let py = y_top_mm - (y as f32 + 1.0) * module_mm;
            let mut x = 0;
            while x < m.size {
                if !m.dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < m.size && m.dark(x, y) {
                    x += 1;
                }
                let px = x_mm + start as f32 * module_mm;
                self.rect(px, py, (x - start) as f32 * module_mm, module_mm);
            }
        }
    }

    /// The logo fitted into the box with top-left corner (x, y_top), keeping proportions.
    pub fn logo(&mut self, logo: &PlacedLogo, x_mm: f32, y_top_mm: f32, w_mm: f32, h_mm: f32) {
        let (box_w, box_h) = (Mm(w_mm).into_pt().0, Mm(h_mm).into_pt().0);
        // At 72 dpi one pixel is one point before scaling.
        let scale = (box_w / logo.width).min(box_h / logo.height);
        let height_pt = logo.height * scale;
        self.ops.push(Op::UseXobject {
            id: logo.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Mm(x_mm).into_pt()),
                translate_y: Some(Pt(Mm(y_top_mm).into_pt().0 - height_pt)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                ..XObjectTransform::default()
            },
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_shortened_to_its_field() {
        let f = &faces().unwrap().regular;
        let long = "Tassa sui rifiuti ".repeat(20);
        let shown = fit(f, &long, 9.0, 200.0);
        assert!(shown.ends_with("...") && shown.len() < long.len());
        assert_eq!(fit(f, "TARI", 9.0, 200.0), "TARI");
    }

    #[test]
    fn garbage_is_not_a_logo() {
        assert!(Logo::decode(b"not an image").is_err());
    }
}
