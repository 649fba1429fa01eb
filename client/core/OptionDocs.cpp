#include "at/OptionDocs.h"

namespace at {

namespace {

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// roff: a leading dot or quote would be a request, and "-" wants to stay a hyphen-minus.
std::string manEscape(std::string text) {
    text = replaceAll(replaceAll(std::move(text), "\\", "\\e"), "-", "\\-");
    if (!text.empty() && (text[0] == '.' || text[0] == '\''))
        text.insert(0, "\\&");
    return text;
}

std::string synopsis(const OptionDoc& o, std::string_view joiner) {
    return o.metavar.empty() ? o.name : o.name + std::string(joiner) + o.metavar;
}

// The help sentence with the range and default, the same words in every format.
std::string fullHelp(const OptionDoc& o) {
    std::string text = o.help;
    if (!o.range.empty())
        text += " (" + o.range + ")";
    return text;
}

}  // namespace

std::optional<DocFormat> parseDocFormat(std::string_view name) {
    if (name == "usage")
        return DocFormat::Usage;
    if (name == "markdown")
        return DocFormat::Markdown;
    if (name == "man")
        return DocFormat::Man;
    return std::nullopt;
}

std::string renderOptionDocs(const std::vector<OptionDoc>& options, DocFormat format,
                             std::string_view joiner) {
    std::string out;
    switch (format) {
        case DocFormat::Usage:
            for (const OptionDoc& o : options) {
                std::string line = "  " + synopsis(o, joiner);
                line.resize(std::max<size_t>(line.size() + 1, 26), ' ');
                line += fullHelp(o);
                if (!o.fallback.empty())
                    line += " [" + o.fallback + "]";
                out += line + "\n";
            }
            break;
        case DocFormat::Markdown:
            out += "| option | default | what |\n|---|---|---|\n";
            for (const OptionDoc& o : options) {
                const std::string def = o.fallback.empty() ? "" : "`" + o.fallback + "`";
                // GitHub tables split on every unescaped '|', code spans included.
                auto cell = [](const std::string& text) { return replaceAll(text, "|", "\\|"); };
                out += "| `" + cell(synopsis(o, joiner)) + "` | " + cell(def) + " | " +
                       cell(fullHelp(o)) + " |\n";
            }
            break;
        case DocFormat::Man:
            for (const OptionDoc& o : options) {
                out += ".TP\n";
                if (o.metavar.empty())
                    out += ".B " + manEscape(o.name) + "\n";
                else
                    out += ".BI \"" + manEscape(o.name + std::string(joiner)) + "\" " +
                           manEscape(o.metavar) + "\n";
                std::string text = fullHelp(o);
                if (!o.fallback.empty())
                    text += "; default " + o.fallback;
                if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
                    text[0] = char(text[0] - 'a' + 'A');
                out += manEscape(text) + ".\n";
            }
            break;
    }
    return out;
}

}  // namespace at
