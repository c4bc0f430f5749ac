//! Reading rendered PDFs the way a person and a scanner would: poppler-utils (`pdftotext`,
//! `pdfinfo`, `pdftoppm`), then QR codes with rqrr and Data Matrix symbols by sampling the
//! modules where the layout draws them.

use std::path::Path;
use std::process::Command;

/// Runs a poppler tool and returns its standard output.
pub fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (Debian poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Text of a PDF file in reading layout.
pub fn text(path: &str) -> String {
    String::from_utf8(tool("pdftotext", &["-layout", path, "-"])).unwrap()
}

/// Number of pages of a PDF file.
pub fn pages(path: &str) -> usize {
    let info = String::from_utf8(tool("pdfinfo", &[path])).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// A page rendered at 300 dpi in greys.
pub struct Raster {
    w: usize,
    h: usize,
    pixels: Vec<u8>,
}

/// Renders page `page` (1-based) of `path` at 300 dpi into `dir`.
pub fn rasterise(path: &str, page: usize, dir: &Path) -> Raster {
    let prefix = dir.join(format!("page{page}"));
    let n = page.to_string();
    tool(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-gray",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            path,
            prefix.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(dir.join(format!("page{page}.pgm"))).unwrap();
    // Binary greyscale PGM (P5): magic, width, height, maxval, one byte per pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Raster {
        w,
        h,
        pixels: bytes[i + 1..].to_vec(),
    }
}

impl Raster {
    /// Every QR code on the page, decoded, top to bottom.
    pub fn qr_codes(&self) -> Vec<String> {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(self.w, self.h, |x, y| {
            self.pixels[y * self.w + x]
        });
        let mut found: Vec<(i32, String)> = img
            .detect_grids()
            .into_iter()
            .map(|g| {
                let top = g.bounds[0].y;
                (top, g.decode().expect("a readable QR code").1)
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, s)| s).collect()
    }

    fn dark_mm(&self, x_mm: f32, y_from_top_mm: f32) -> bool {
        let px = |mm: f32| (mm * 300.0 / 25.4) as usize;
        self.pixels[px(y_from_top_mm) * self.w + px(x_mm)] < 128
    }
}

/// Decodes the Data Matrix drawn with its top-left corner at (left, top) mm from the page's
/// bottom-left corner and `module` mm per module.
pub fn datamatrix_at(page: &Raster, (left, top, module): (f32, f32, f32)) -> String {
    let from_top = 297.0 - top;
    // The top row alternates dark/light (timing pattern) and ends light: `size` modules wide.
    let mut size = 0;
    while page.dark_mm(left + (size as f32 + 0.5) * module, from_top + 0.5 * module)
        || size % 2 == 1
    {
        size += 1;
    }
    let grid: Vec<bool> = (0..size * size)
        .map(|i| {
            let (x, y) = ((i % size) as f32 + 0.5, (i / size) as f32 + 0.5);
            page.dark_mm(left + x * module, from_top + y * module)
        })
        .collect();
    String::from_utf8(datamatrix::DataMatrix::decode(&grid, size).unwrap()).unwrap()
}
