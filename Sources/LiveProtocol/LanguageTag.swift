import Foundation

/// BCP-47 language tags as the Live API takes them (`translationConfig.targetLanguageCode`,
/// `speechConfig.languageCode`): a 2–3 letter primary language (ISO 639; the 5–8 letter form BCP-47
/// reserves is not used by any language the service lists, and refusing it catches `german`), then
/// subtags of 1–8 letters or digits separated by `-`, e.g. `de`, `pt-BR`, `zh-Hant-TW`, `es-419`.
public enum LanguageTag {
    /// True when `tag` has the shape of a BCP-47 tag. Whether the service translates into that
    /// language is the service's to say.
    public static func isValid(_ tag: String) -> Bool {
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...3).contains(primary.count),
            primary.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return subtags.dropFirst().allSatisfy { subtag in
            (1...8).contains(subtag.count) && subtag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
