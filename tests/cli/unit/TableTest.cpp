#include "Table.h"

#include <gtest/gtest.h>

namespace {

TEST(Table, NameValueMatchesTheSeedLayout) {
    atctl::Table table = atctl::Table::nameValue();
    table.addRow({"message", "Delete session success"});
    EXPECT_EQ(table.render(),
              "+---------+------------------------+\n"
              "| Name    | Value                  |\n"
              "+---------+------------------------+\n"
              "| message | Delete session success |\n"
              "+---------+------------------------+\n");
}

TEST(Table, EmptyTableKeepsItsHeader) {
    atctl::Table table({"Id", "Space"});
    EXPECT_EQ(table.render(),
              "+----+-------+\n"
              "| Id | Space |\n"
              "+----+-------+\n"
              "+----+-------+\n");
}

TEST(Table, WidthCountsCharactersNotBytes) {
    atctl::Table table({"A"});
    table.addRow({"é"});
    table.addRow({"ab"});
    EXPECT_EQ(table.render(),
              "+----+\n"
              "| A  |\n"
              "+----+\n"
              "| é  |\n"
              "| ab |\n"
              "+----+\n");
}

TEST(Table, ShortRowsArePadded) {
    atctl::Table table({"A", "B"});
    table.addRow({"x"});
    EXPECT_NE(table.render().find("| x |   |"), std::string::npos) << table.render();
}

}  // namespace
