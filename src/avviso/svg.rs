//! SVG logos, accepted by turning them into the PNG the notices print: the SVG is checked
//! (no DTD, no text the missing fonts would drop, no embedded or external images), parsed
//! and rasterised. Only the PNG is kept, so no script, link or style of the upload
//! survives to be served back.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Longest side of the rasterised logo, in pixels (≈ 430 dpi at the 35 mm it is printed).
pub const LONGEST_SIDE: u32 = 600;

/// Why an SVG is not accepted as a logo; the message is for the person uploading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SvgError {
    /// Not well-formed XML, or not an SVG usvg can read.
    #[error("SVG non leggibile: {0}")]
    Unreadable(String),
    /// A DOCTYPE (entities could expand without bound).
    #[error("l'SVG non può contenere una DTD (<!DOCTYPE>)")]
    Doctype,
    /// Text elements: no fonts are embedded, the text would vanish.
    #[error("l'SVG contiene testo: converta il testo in tracciati prima di caricarlo")]
    Text,
    /// Raster or external images.
    #[error("l'SVG non può contenere immagini incorporate o collegate")]
    Image,
    /// No width or height.
    #[error("l'SVG non ha dimensioni (width/height o viewBox)")]
    Empty,
    /// Everything is transparent.
    #[error("l'SVG non disegna nulla")]
    Blank,
}

/// Refuses what cannot be turned into a faithful, self-contained logo.
fn check(svg: &[u8]) -> Result<(), SvgError> {
    let mut reader = Reader::from_reader(svg);
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| SvgError::Unreadable(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(SvgError::Doctype),
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"text" | b"tspan" | b"textPath" => return Err(SvgError::Text),
                b"image" | b"feImage" | b"foreignObject" => return Err(SvgError::Image),
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The PNG of `svg`, its longest side [`LONGEST_SIDE`] pixels.
pub fn rasterise(svg: &[u8]) -> Result<Vec<u8>, SvgError> {
    check(svg)?;
    let tree = resvg::usvg::Tree::from_data(svg, &resvg::usvg::Options::default())
        .map_err(|e| SvgError::Unreadable(e.to_string()))?;
    let size = tree.size();
    let longest = size.width().max(size.height());
    if !(longest.is_finite() && longest > 0.0) {
        return Err(SvgError::Empty);
    }
    let scale = LONGEST_SIDE as f32 / longest;
    let side = |v: f32| ((v * scale).round() as u32).clamp(1, LONGEST_SIDE);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(side(size.width()), side(size.height()))
        .ok_or(SvgError::Empty)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    if pixmap.pixels().iter().all(|p| p.alpha() == 0) {
        return Err(SvgError::Blank);
    }
    pixmap
        .encode_png()
        .map_err(|e| SvgError::Unreadable(e.to_string()))
}

/// Whether `bytes` look like an SVG document (an `<svg` root after any prolog).
pub fn looks_like_svg(bytes: &[u8]) -> bool {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => return e.local_name().as_ref() == b"svg",
            Ok(Event::Eof) | Err(_) => return false,
            Ok(Event::Text(t)) if !t.iter().all(u8::is_ascii_whitespace) => return false,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
  <script>alert(1)</script>
  <rect x="10" y="10" width="80" height="80" fill="#0066cc"/>
</svg>"##;

    #[test]
    fn rasterises_to_a_png_the_notice_can_print() {
        let png = rasterise(SQUARE.as_bytes()).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (600, 300));
        assert!(crate::avviso::canvas::Logo::decode(&png).is_ok());
        // The drawn square is there, blue and opaque; the right half is empty.
        let rgba = img.to_rgba8();
        assert_eq!(rgba.get_pixel(150, 150).0, [0, 0x66, 0xcc, 255]);
        assert_eq!(rgba.get_pixel(450, 150).0[3], 0);
    }

    #[test]
    fn refuses_what_would_not_survive_or_is_dangerous() {
        let with = |inner: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{inner}</svg>"#
            )
        };
        let text = with("<text x='1' y='5'>Comune</text>");
        assert_eq!(rasterise(text.as_bytes()), Err(SvgError::Text));
        let image = with("<image href='file:///etc/passwd' width='5' height='5'/>");
        assert_eq!(rasterise(image.as_bytes()), Err(SvgError::Image));
        let dtd = format!("<!DOCTYPE svg [<!ENTITY a 'aaaa'>]>{}", with(""));
        assert_eq!(rasterise(dtd.as_bytes()), Err(SvgError::Doctype));
        assert_eq!(rasterise(with("").as_bytes()), Err(SvgError::Blank));
        assert!(matches!(rasterise(b"<svg"), Err(SvgError::Unreadable(_))));
        let sizeless = r#"<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>"#;
        assert!(rasterise(sizeless.as_bytes()).is_err());
    }

    #[test]
    fn tells_svg_from_other_uploads() {
        assert!(looks_like_svg(SQUARE.as_bytes()));
        assert!(looks_like_svg(
            b"  <svg xmlns='http://www.w3.org/2000/svg'/>"
        ));
        assert!(!looks_like_svg(b"<html><svg/></html>"));
        assert!(!looks_like_svg(b"\x89PNG\r\n"));
        assert!(!looks_like_svg(b"plain text <svg/>"));
    }
}
