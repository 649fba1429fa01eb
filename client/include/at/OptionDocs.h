// What --help, README.md and the man pages say about one option, and how each renders a list
// of them. atfs (-o options) and atd (serve flags) fill it from their declarations, so the
// three texts are generated from one source and cannot drift.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace at {

struct OptionDoc {
    std::string name;      // "max_sessions" or "--threads"
    std::string metavar;   // "N", "FILE"; empty for a flag
    std::string fallback;  // the default as text; empty: none
    std::string range;     // "1..30", "error|warning|info|debug"; empty: any
    std::string help;      // one sentence
};

enum class DocFormat { Usage, Markdown, Man };

std::optional<DocFormat> parseDocFormat(std::string_view name);  // "usage", "markdown", "man"

// Usage: indented lines for --help. Markdown: a table. Man: .TP paragraphs for OPTIONS.
// `joiner` sits between a name and its metavar: "=" for -o options, " " for flags.
std::string renderOptionDocs(const std::vector<OptionDoc>& options, DocFormat format,
                             std::string_view joiner);

}  // namespace at
