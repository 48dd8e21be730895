//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, and legacy
//! 8-bit encodings (Windows-1252, Latin-1 …) detected with chardetng and
//! decoded with encoding_rs, so "François" and curly quotes survive.

use std::borrow::Cow;

use super::SkipReason;

/// Decodes a file's bytes, or says why they are not text.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SkipReason> {
    decode_counting(bytes).map(|(text, _)| text)
}

/// [`decode`], with the count of bytes that were not valid in the file's
/// encoding and were replaced by U+FFFD.
pub(crate) fn decode_counting(bytes: &[u8]) -> Result<(Cow<'_, str>, u64), SkipReason> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return if had_errors && encoding != encoding_rs::UTF_8 {
            Err(SkipReason::Encoding)
        } else {
            let bad = if had_errors {
                invalid_utf8_bytes(&bytes[bom_len..])
            } else {
                0
            };
            Ok((text, bad))
        };
    }
    if bytes.contains(&0) {
        return Err(SkipReason::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), 0));
    }
    // UTF-8 with a few damaged bytes (a cut download, a bad splice) is read
    // as UTF-8: its other accents are right. A file without any valid
    // multi-byte sequence is in a legacy 8-bit encoding.
    if has_multibyte_utf8(bytes) {
        return lossy(bytes);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        return lossy(bytes);
    }
    if looks_binary(&text) {
        return Err(SkipReason::Binary);
    }
    Ok((Cow::Owned(text.into_owned()), 0))
}

fn lossy(bytes: &[u8]) -> Result<(Cow<'_, str>, u64), SkipReason> {
    let text = String::from_utf8_lossy(bytes);
    if looks_binary(&text) {
        return Err(SkipReason::Binary);
    }
    Ok((Cow::Owned(text.into_owned()), invalid_utf8_bytes(bytes)))
}

fn invalid_utf8_bytes(bytes: &[u8]) -> u64 {
    bytes.utf8_chunks().map(|c| c.invalid().len() as u64).sum()
}

fn has_multibyte_utf8(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| !c.valid().is_ascii())
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
    fn damaged_utf8_is_read_lossily_and_counted() {
        let bytes = b"Caf\xc3\xa9 owners in Z\xfcrich \xff\xfe said no.";
        let (text, bad) = decode_counting(bytes).unwrap();
        assert_eq!(text, "Café owners in Z\u{FFFD}rich \u{FFFD}\u{FFFD} said no.");
        assert_eq!(bad, 3);
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"GIF89a\0\0\x01"), Err(SkipReason::Binary));
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(SkipReason::Binary));
    }
}
