"""The go-live commands on the demo world: the tree and people from the command line, with their refusals."""



def test_the_tree_from_the_command_line(shangliang):
    shangliang("org", "add", "huangli", "湖里街道", "--kind", "街道", "--parent", "tianning", "--as", "sysadmin")
    shangliang("org", "rename", "huangli", "湖里新街道", "--as", "sysadmin")
    assert "  huangli\t湖里新街道\t街道" in shangliang("org", "list")
    out = shangliang("org", "move", "changzhou", "huangli", "--as", "sysadmin", code=2)
    assert "cycle" in out
    shangliang("org", "merge", "huangli", "qinglong", "--as", "sysadmin")
    assert "huangli\t湖里新街道\t街道\tmerged into qinglong" in shangliang("org", "list", "--all")
    assert "huangli" not in shangliang("org", "list")
    out = shangliang("org", "add", "x", "某镇", "--kind", "town", "--parent", "tianning", "--as", "office_tianning",
                     code=2)
    assert "system_admin" in out


def test_people_from_the_command_line(shangliang):
    shangliang("user", "add", "sunqi", "孙七", "--phone", "13800138001", "--as", "sysadmin")
    shangliang("user", "role", "sunqi", "承办单位", "--unit", "tianning-civil", "--until", "2026-12-31",
               "--as", "sysadmin")
    assert "one-time password of sunqi: Tmp-" in shangliang("user", "reset-password", "sunqi", "--as", "secadmin")
    out = shangliang("user", "reset-password", "sunqi", "--as", "sysadmin", code=2)
    assert "security_admin" in out
    assert "0 open tasks handed back" in shangliang("user", "deactivate", "sunqi", "--as", "sysadmin")
    out = shangliang("user", "deactivate", "sysadmin", "--as", "sysadmin", code=2)
    assert "最后一名系统管理员" in out
    out = shangliang("user", "role", "auditor", "system_admin", "--as", "sysadmin", code=2)
    assert "三员分立" in out
    out = shangliang("user", "add", "bad", "坏", "--phone", "123", "--as", "sysadmin", code=2)
    assert "手机号 123 格式不正确" in out
