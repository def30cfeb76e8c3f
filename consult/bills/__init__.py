"""Bills before Parliament: prints (clauses, pages, lines), import, amendments in House style."""
