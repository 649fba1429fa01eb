#include "Table.h"

#include <algorithm>

namespace atctl {
namespace {

// Width in terminal columns: count UTF-8 lead bytes, not bytes.
size_t displayWidth(const std::string& s) {
    return size_t(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::addRow(std::vector<std::string> cells) {
    cells.resize(header_.size());
    rows_.push_back(std::move(cells));
}

std::string Table::render() const {
    std::vector<size_t> widths;
    for (const auto& h : header_) {
        widths.push_back(displayWidth(h));
    }
    for (const auto& row : rows_) {
        for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], displayWidth(row[i]));
        }
    }
    std::string border = "+";
    for (size_t w : widths) {
        border += std::string(w + 2, '-') + "+";
    }
    border += "\n";
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out = "|";
        for (size_t i = 0; i < cells.size(); ++i) {
            out += " " + cells[i] + std::string(widths[i] - displayWidth(cells[i]), ' ') + " |";
        }
        return out + "\n";
    };
    std::string out = border + line(header_) + border;
    for (const auto& row : rows_) {
        out += line(row);
    }
    return out + border;
}

}  // namespace atctl
