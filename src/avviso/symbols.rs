//! The two-dimensional codes of a payment notice as module matrices, ready to be drawn as
//! filled squares: the pagoPA QR code (ISO/IEC 18004, error correction level M) and the
//! Poste Data Matrix (ECC 200, square symbol).

use datamatrix::{DataMatrix, SymbolList};
use qrcode::{Color, EcLevel, QrCode, Version};

/// A square grid of modules, row by row; `true` is dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Modules per side (without quiet zone).
    pub size: usize,
    /// `size × size` modules, row-major.
    pub modules: Vec<bool>,
}

impl Matrix {
    /// Whether the module at column `x`, row `y` is dark.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.modules[y * self.size + x]
    }
}

/// Why a code could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode the {what}: {reason}")]
pub struct SymbolError {
    what: &'static str,
    reason: String,
}

/// The pagoPA QR code for `payload` (see [`crate::domain::qr::qr_string`]), level M.
pub fn qr(payload: &str) -> Result<Matrix, SymbolError> {
    // Version 4 (33 × 33), as the notice layout prints it; every pagoPA payload fits
    // (at most 54 characters), a longer text would take the smallest version that holds it.
    let code = QrCode::with_version(payload, Version::Normal(4), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(payload, EcLevel::M))
        .map_err(|e| SymbolError {
            what: "QR code",
            reason: e.to_string(),
        })?;
    Ok(Matrix {
        size: code.width(),
        modules: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// The Poste Data Matrix for `payload` (see [`crate::domain::datamatrix::poste_datamatrix`]).
pub fn datamatrix(payload: &str) -> Result<Matrix, SymbolError> {
    let err = |reason: String| SymbolError {
        what: "Data Matrix",
        reason,
    };
    let code = DataMatrix::encode(payload.as_bytes(), SymbolList::default().enforce_square())
        .map_err(|e| err(format!("{e:?}")))?;
    let bitmap = code.bitmap();
    if bitmap.width() != bitmap.height() {
        return Err(err("symbol is not square".into()));
    }
    Ok(Matrix {
        size: bitmap.width(),
        modules: bitmap.bits().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a matrix at `scale` pixels per module with a 4-module quiet zone and reads it
    /// back with an independent decoder.
    fn decode_qr(m: &Matrix, scale: usize) -> String {
        let side = (m.size + 8) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= 4 && my >= 4 && m.dark(mx - 4, my - 4);
            if dark {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_qr_code_reads_back() {
        let payload = "PAGOPA|002|301000000000000144|01234567897|12550";
        let m = qr(payload).unwrap();
        // Version 4, 33 modules a side, as the notice layout expects.
        assert_eq!(m.size, 33);
        assert_eq!(decode_qr(&m, 3), payload);
    }

    #[test]
    fn the_data_matrix_is_square_and_reads_back() {
        use crate::domain::datamatrix::{poste_datamatrix, PostalPayment};
        use crate::domain::{AmountCents, NoticeNumber, PartitaIva};
        let notice = NoticeNumber::parse("301000000000000144").unwrap();
        let entity = PartitaIva::parse("01234567897").unwrap();
        let payload = poste_datamatrix(&PostalPayment {
            notice: &notice,
            account: "1234567",
            amount: AmountCents::from_cents(12550).unwrap(),
            entity: &entity,
            debtor_id: "RSSMRA85T10A562S",
            debtor_name: "Mario Rossi",
            causale: "TARI 2026 rata unica",
        })
        .unwrap();
        let m = datamatrix(&payload).unwrap();
        let back = DataMatrix::decode(&m.modules, m.size).unwrap();
        assert_eq!(String::from_utf8(back).unwrap(), payload);
        assert!(m.size >= 40 && m.size <= 64, "{}", m.size);
        assert_eq!(m.modules.len(), m.size * m.size);
        // The finder pattern: a solid left column and bottom row.
        assert!((0..m.size).all(|y| m.dark(0, y)));
        assert!((0..m.size).all(|x| m.dark(x, m.size - 1)));
    }
}
