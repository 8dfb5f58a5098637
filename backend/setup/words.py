"""The words of ``jifen setup``: Chinese first, English with JIFEN_LANGUAGE=en."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "welcome": "积分 Jifen 首次设置：建立本镇、各村和第一批账号。直接回车表示“没有了”。",
        "town_name": "镇的名称（如 洪井镇）",
        "town_code": "镇的编号（大写字母开头，字母或数字，如 HJZ）",
        "village_code": "第 {n} 个村的编号（如 XHX，是户号的前缀；没有更多村就直接回车）",
        "village_name": "{code} 村的名称（如 西黄须村）",
        "grids": "{name}的网格（用顿号或逗号分开，如 一网格、二网格）",
        "groups": "{name}的道德小组（用顿号或逗号分开，可以不填）",
        "roster": "{name}的户籍名单（Excel 或 CSV 文件的路径，可以不填，以后在控制台导入）",
        "admin": "镇管理员账号",
        "committee": "{name}的村委账号（至少一个；入户核实要另一位村委，最好两个）",
        "shopkeeper": "{name}积分超市的收银员账号（可以不填，以后在控制台添加）",
        "username": "  用户名（小写字母、数字，如 {example}；没有更多就直接回车）",
        "display_name": "  姓名（别人看到的名字，如 王丽）",
        "password": "  密码（不要用生日、123456 这样好猜的）",
        "password_again": "  再输入一次密码",
        "public_url": "海报和积分卡上二维码用的地址",
        "summary": "将要创建：{town}（{code}），{villages} 个村，{accounts} 个账号。",
        "confirm": "确认创建？输入 y 确认",
        "done": "✓ 设置完成：{town} 已建好。",
        "roster_done": "  {code}：从户籍名单导入了 {count} 户",
        "cancelled": "已取消，什么也没有写入。",
        "next": "下一步：",
        "next_serve": "  1. 启动：scripts/serve --lan（平板和手机从局域网用 HTTPS 打开）",
        "next_public": "  2. 设置海报地址：JIFEN_PUBLIC_URL={url}",
        "next_roster": "  3. 还没有名单的村：用村委账号登录 {url}/console.html，"
        "在“农户与积分卡”里导入 Excel 名单",
        "bad": "回答不对",
        "no_more": "没有更多回答了",
        "need_code": "要以大写字母开头，2 到 16 个大写字母或数字",
        "need_username": "要 3 到 32 个小写字母、数字或 _ . -，以字母或数字开头",
        "need_text": "不能为空",
        "need_url": "要以 http:// 或 https:// 开头",
        "need_file": "找不到这个文件",
        "password_mismatch": "两次密码不一样",
        "taken": "已经用过了",
        "need_village": "至少要有一个村",
        "need_committee": "每个村至少要有一个村委账号",
    },
    "en": {
        "welcome": "Jifen first run: the town, its villages and the first accounts. "
        "An empty answer means “no more”.",
        "town_name": "Town name (e.g. 洪井镇)",
        "town_code": "Town code (capital letters or digits, starting with a letter, e.g. HJZ)",
        "village_code": "Village {n} code (e.g. XHX, the prefix of household numbers; "
        "empty when there are no more)",
        "village_name": "Name of village {code} (e.g. 西黄须村)",
        "grids": "Grids of {name} (separated by commas, e.g. 一网格, 二网格)",
        "groups": "Moral groups of {name} (separated by commas; may be empty)",
        "roster": "The household roster of {name} (the path of an Excel or CSV file; may be "
        "empty, to import it later in the console)",
        "admin": "Town admin account",
        "committee": "Committee accounts of {name} (at least one; verification needs a second "
        "member, so two is better)",
        "shopkeeper": "Shopkeeper accounts of {name}'s supermarket (may be empty: add them in "
        "the console later)",
        "username": "  Username (lower-case letters and digits, e.g. {example}; "
        "empty when no more)",
        "display_name": "  Full name (what people see, e.g. 王丽)",
        "password": "  Password (not a birthday or 123456: nothing easy to guess)",
        "password_again": "  Password again",
        "public_url": "Address for the QR codes on posters and cards",
        "summary": "About to create: {town} ({code}), {villages} villages, {accounts} accounts.",
        "confirm": "Create it? Type y to confirm",
        "done": "✓ Set up: {town} is ready.",
        "roster_done": "  {code}: {count} households imported from the roster",
        "cancelled": "Cancelled: nothing was written.",
        "next": "Next:",
        "next_serve": "  1. Start it: scripts/serve --lan (tablets and phones over HTTPS on "
        "the LAN)",
        "next_public": "  2. Set the posters' address: JIFEN_PUBLIC_URL={url}",
        "next_roster": "  3. A village without its roster yet: log in with a committee account at "
        "{url}/console.html and import the Excel list under Households & cards",
        "bad": "Wrong answer",
        "no_more": "no more answers",
        "need_code": "a capital letter, then 1 to 15 capital letters or digits",
        "need_username": "3 to 32 lower-case letters, digits or _ . -, starting with a letter "
        "or digit",
        "need_text": "must not be empty",
        "need_url": "must start with http:// or https://",
        "need_file": "no such file",
        "password_mismatch": "the two passwords differ",
        "taken": "already used",
        "need_village": "at least one village is needed",
        "need_committee": "every village needs at least one committee account",
    },
}
