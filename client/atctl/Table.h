// The legacy CLI's boxed tables: +----+ borders, a header row, left-aligned cells.
#pragma once

#include <string>
#include <vector>

namespace atctl {

class Table {
  public:
    explicit Table(std::vector<std::string> header);

    void addRow(std::vector<std::string> cells);
    std::string render() const;

    // The seed's two-column table for one object.
    static Table nameValue() { return Table({"Name", "Value"}); }

  private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace atctl
