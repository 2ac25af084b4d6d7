"""The report's own wording in English and Chinese (scenario texts come from the files)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Defuse — trainer's report",
        "generated": "Generated {when} from {db}",
        "filters": "Filtered to",
        "trainee": "Trainee",
        "scenario": "Scenario",
        "industry": "Industry",
        "glance": "At a glance",
        "no_data": "No finished sessions recorded yet.",
        "trainees_sessions": "{t} trainees, {s} finished sessions",
        "most_improved": "Most improved: {name} ({delta} points)",
        "declining": "Needs attention: {name} ({delta} points)",
        "weakest_step": "The group's weakest step: {step} ({rate:.0f}% mastery)",
        "worst_node": "Where replies go wrong most: {scenario} › {node} "
                      "({wrong} of {picks} replies there poor or harmful)",
        "typed": "Typed in their own words and taken as this reply",
        "wrong_of": "{wrong} of {picks} poor/harmful",
        "progress": "Progress over time",
        "progress_note": "Score (0–100) of each finished session in the order played; "
                         "change compares the last three sessions with the first three "
                         "(shown from four sessions on).",
        "attempt": "session",
        "sessions": "Sessions",
        "open": "open",
        "first": "First",
        "last": "Latest",
        "best": "Best",
        "change": "Change",
        "trend": "Trend",
        "mastery": "Step mastery",
        "mastery_note": "How often each step of the method was excellent / done / weak / "
                        "missed over each trainee's last {n} finished sessions. "
                        "The figure is a mastery rate: excellent 100%, done 75%, weak 25%, "
                        "missed 0%.",
        "group": "Group",
        "replies": "Replies chosen, node by node",
        "replies_note": "Each row is one moment of the conversation; each cell a reply "
                        "the trainee could choose, shaded by how often it was chosen there. "
                        "The coloured tag is the reply's quality. Rows with many poor or "
                        "harmful picks are where new hires go wrong.",
        "node": "Node",
        "picks": "Picks",
        "wrong": "Poor/harmful",
        "trouble": "Where it goes wrong",
        "mean_score": "mean score {score}",
        "no_score": "no finished session",
        "n_sessions": "{n} sessions",
        "missing": "The scenario file is no longer in the library: the replies shown are "
                   "the texts recorded when it was played.",
        "changed": "{n} session(s) were played on an earlier version of this scenario; "
                   "their picks are matched to today's replies by choice id.",
        "retired": "no longer in the scenario",
        "not_reached": "not reached",
        "listen": "Listen",
        "apologize": "Apologise",
        "clarify": "Clarify",
        "solve": "Solve",
        "commit": "Commit",
        "excellent": "excellent",
        "done": "done",
        "weak": "weak",
        "missed": "missed",
        "best_q": "best",
        "good_q": "good",
        "poor_q": "poor",
        "harmful_q": "harmful",
    },
    "zh": {
        "title": "化解 — 培训师报告",
        "generated": "生成于 {when}，数据来自 {db}",
        "filters": "筛选",
        "trainee": "学员",
        "scenario": "情景",
        "industry": "行业",
        "glance": "概览",
        "no_data": "还没有完成的练习记录。",
        "trainees_sessions": "{t} 名学员，{s} 次完成的练习",
        "most_improved": "进步最大：{name}（{delta} 分）",
        "declining": "需要关注：{name}（{delta} 分）",
        "weakest_step": "全组最薄弱的步骤：{step}（掌握度 {rate:.0f}%）",
        "worst_node": "最常答错的地方：{scenario} › {node}（{picks} 次回答中 {wrong} 次差或有害）",
        "wrong_of": "{picks} 次中 {wrong} 次差/有害",
        "progress": "成绩变化",
        "progress_note": "每次完成练习的得分（0–100），按练习顺序排列；"
                         "“变化”比较最近三次与最初三次（满四次才显示）。",
        "attempt": "练习次数",
        "sessions": "练习",
        "open": "未完成",
        "first": "最初",
        "last": "最近",
        "best": "最佳",
        "change": "变化",
        "trend": "走势",
        "mastery": "各步骤掌握情况",
        "mastery_note": "每位学员最近 {n} 次完成的练习中，"
                        "每一步做得优秀 / 完成 / 薄弱 / 缺失的次数。"
                        "掌握度：优秀 100%，完成 75%，薄弱 25%，缺失 0%。",
        "group": "全组",
        "replies": "各节点的回复选择",
        "replies_note": "每一行是对话中的一个节点，每一格是可选的一条回复，颜色越深表示选得越多；"
                        "彩色标签是回复的质量。欠妥或有害回复多的行，就是新员工容易出错的地方。",
        "node": "节点",
        "picks": "次数",
        "wrong": "欠妥/有害",
        "trouble": "容易出错的地方",
        "mean_score": "平均 {score} 分",
        "no_score": "没有完成的练习",
        "n_sessions": "{n} 次练习",
        "missing": "情景文件已不在题库中：显示的是练习时记录的回复文字。",
        "changed": "有 {n} 次练习用的是这个情景的旧版本；按回复 id 与现在的回复对应。",
        "retired": "已从情景中删除",
        "not_reached": "未到达",
        "listen": "倾听",
        "apologize": "道歉",
        "clarify": "明确诉求",
        "solve": "提供方案",
        "commit": "承诺",
        "excellent": "优秀",
        "done": "完成",
        "weak": "薄弱",
        "missed": "缺失",
        "best_q": "最佳",
        "good_q": "不错",
        "poor_q": "欠妥",
        "harmful_q": "有害",
        "typed": "学员用自己的话输入、被理解为这一句的原话",
    },
}

LANGS = tuple(STRINGS)


def tr(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    table = STRINGS.get(lang, STRINGS["en"])
    text = table.get(key) or STRINGS["en"][key]
    return text.format(**values) if values else text
