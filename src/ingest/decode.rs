//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, and legacy
//! 8-bit encodings (Windows-1252, Latin-1 …) detected with chardetng and
//! decoded with encoding_rs, so "François" and curly quotes survive.

use std::borrow::Cow;

use super::SkipReason;

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SkipReason> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return if had_errors && encoding != encoding_rs::UTF_8 {
            Err(SkipReason::Encoding)
        } else {
            Ok(text)
        };
    }
    if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors || looks_binary(&text) {
        return Err(SkipReason::Binary);
    }
    Ok(Cow::Owned(text.into_owned()))
}

/// Control characters other than whitespace mean the bytes were not text.
fn looks_binary(text: &str) -> bool {
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    controls * 100 > text.chars().count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("François “quoted”".as_bytes()).unwrap(),
            "François “quoted”"
        );
        assert_eq!(decode(b"\xEF\xBB\xBFHello").unwrap(), "Hello");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("Français".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), "Français");
        let mut be = vec![0xFE, 0xFF];
        be.extend("Français".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), "Français");
    }

    #[test]
    fn windows_1252_is_detected() {
        // "François said “yes”" in Windows-1252.
        let bytes = b"Fran\xe7ois said \x93yes\x94 to the caf\xe9 owners in Paris today.";
        assert_eq!(
            decode(bytes).unwrap(),
            "François said “yes” to the café owners in Paris today."
        );
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"GIF89a\0\0\x01"), Err(SkipReason::Binary));
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(SkipReason::Binary));
    }
}
