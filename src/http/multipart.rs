//! Reading an uploaded file out of a multipart form, within a size bound.

use axum::extract::multipart::Field;

/// Why a file field could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    /// More than the bound.
    TooLarge,
    /// The upload broke off midway.
    Broken,
}

/// The whole content of `field`, refused as soon as it passes `max` bytes.
pub async fn read_bounded(mut field: Field<'_>, max: usize) -> Result<Vec<u8>, FieldError> {
    let mut file = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| FieldError::Broken)? {
        if file.len() + chunk.len() > max {
            return Err(FieldError::TooLarge);
        }
        file.extend_from_slice(&chunk);
    }
    Ok(file)
}
