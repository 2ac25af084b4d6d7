"""Every piece of window text in English and Simplified Chinese.

Scenario text comes from the scenario itself (``text_of``); this module holds only the
UI's own words. Keep both languages natural rather than literal. Only characters the
bundled font has may appear here (tests check it): no arrows, stars or bullets.
"""

from __future__ import annotations

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    # -- app -----------------------------------------------------------------------------
    "app_title": {"en": "Defuse", "zh": "化解"},
    "app_subtitle": {
        "en": "Practise turning a complaint into a conversation",
        "zh": "练习把投诉化为一次好好的沟通",
    },
    "window_title": {"en": "Defuse - complaint handling practice", "zh": "化解 - 客户投诉处理练习"},
    "hints_global": {
        "en": "L: 中文  ·  F3: settings  ·  F11: full screen  ·  Ctrl +/-: text size  ·  M: sound",
        "zh": "L: English  ·  F3：设置  ·  F11：全屏  ·  Ctrl +/-：字号  ·  M：声音",
    },
    "toast_text_size": {"en": "Text size {pct}%", "zh": "字号 {pct}%"},
    "toast_sound_on": {"en": "Sound on", "zh": "声音已开启"},
    "toast_sound_off": {"en": "Sound off", "zh": "声音已关闭"},
    "toast_lang": {"en": "English", "zh": "已切换为中文"},
    "toast_no_fullscreen": {
        "en": "Full screen is not available here",
        "zh": "当前环境无法全屏",
    },
    # -- settings ------------------------------------------------------------------------
    "settings_title": {"en": "Settings", "zh": "设置"},
    "text_size": {"en": "Text size", "zh": "字号"},
    "typing_speed": {"en": "Typing speed", "zh": "打字速度"},
    "typing_slow": {"en": "Slow", "zh": "慢"},
    "typing_normal": {"en": "Normal", "zh": "正常"},
    "typing_fast": {"en": "Fast", "zh": "快"},
    "typing_off": {"en": "Off (whole line at once)", "zh": "关闭（整句立即显示）"},
    "sound_setting": {"en": "Sound", "zh": "声音"},
    "reduce_motion": {"en": "Reduce motion", "zh": "减少动画"},
    "settings_keys": {
        "en": "Up/Down: choose  ·  Left/Right or Enter: change  ·  Ctrl 0: text 100%  ·  Esc: back",
        "zh": "上/下：选择  ·  左/右或 Enter：更改  ·  Ctrl 0：字号 100%  ·  Esc：返回",
    },
    # -- menu ----------------------------------------------------------------------------
    "trainee": {"en": "Trainee", "zh": "学员"},
    "teaches": {"en": "Teaches: {what}", "zh": "本案要点：{what}"},
    "name_placeholder": {"en": "Type your name", "zh": "请输入你的名字"},
    "name_needed": {"en": "Please type your name first", "zh": "请先输入你的名字"},
    "language": {"en": "Language", "zh": "语言"},
    "mode": {"en": "Mode", "zh": "模式"},
    "mode_coach": {"en": "Coach", "zh": "教练模式"},
    "mode_exam": {"en": "Exam", "zh": "考核模式"},
    "mode_coach_hint": {
        "en": "The coach comments on every reply",
        "zh": "每次回复后，教练都会点评",
    },
    "mode_exam_hint": {
        "en": "No feedback until the debrief",
        "zh": "全程不提示，结束后统一复盘",
    },
    "sound": {"en": "Sound", "zh": "声音"},
    "on": {"en": "On", "zh": "开"},
    "off": {"en": "Off", "zh": "关"},
    "scenarios": {"en": "Practice cases", "zh": "练习案例"},
    "difficulty": {"en": "Difficulty", "zh": "难度"},
    "best_score": {"en": "Best {score}", "zh": "最高 {score} 分"},
    "not_played": {"en": "Not played yet", "zh": "尚未练习"},
    "history": {"en": "History", "zh": "练习记录"},
    "quit": {"en": "Quit", "zh": "退出"},
    "loading": {"en": "Loading the practice cases...", "zh": "正在加载练习案例……"},
    "open_case": {"en": "Open case", "zh": "查看案例"},
    "empty_library": {
        "en": "No practice cases found in {path}.",
        "zh": "在 {path} 中没有找到练习案例。",
    },
    "bad_scenarios": {
        "en": "{n} file(s) could not be loaded; run 'python main.py validate' for details.",
        "zh": "有 {n} 个文件无法加载，请运行“python main.py validate”查看详情。",
    },
    "menu_keys_name": {
        "en": "Type your name  ·  Enter: done",
        "zh": "输入你的名字  ·  Enter：完成",
    },
    "hints_global_text": {
        "en": "F3: settings  ·  F11: full screen  ·  Ctrl +/-: text size",
        "zh": "F3：设置  ·  F11：全屏  ·  Ctrl +/-：字号",
    },
    "menu_more_settings": {
        "en": "Language, sound and text size: F3 (settings)",
        "zh": "语言、声音和字号：按 F3 打开设置",
    },
    "menu_keys": {
        "en": "Up/Down: choose a case  ·  Enter: open  ·  Tab: edit name  ·  Esc: quit",
        "zh": "上/下：选择案例  ·  Enter：打开  ·  Tab：修改名字  ·  Esc：退出",
    },
    "resume_prompt": {
        "en": "You have an unfinished session: {title}, after {replies}.",
        "zh": "你有一次未完成的练习：{title}，已回复 {replies}。",
    },
    "n_replies": {"en": "{n} replies", "zh": "{n} 次"},
    "n_replies_one": {"en": "1 reply", "zh": "1 次"},
    "resume": {"en": "Resume", "zh": "继续练习"},
    "discard": {"en": "Discard", "zh": "放弃"},
    # -- brief ---------------------------------------------------------------------------
    "case_brief": {"en": "Case brief", "zh": "案情简介"},
    "customer": {"en": "Customer", "zh": "客户"},
    "your_authority": {"en": "Your authority", "zh": "你的权限"},
    "no_authority": {
        "en": "This case's brief names no special authority: follow the usual policy.",
        "zh": "本案例没有说明特别权限：按常规政策处理。",
    },
    "more_replies_below": {"en": "More replies below: scroll", "zh": "下方还有回复：请滚动"},
    "more_replies_above": {"en": "More replies above", "zh": "上方还有回复"},
    "more_text_below": {"en": "More below: scroll", "zh": "下方还有内容：请滚动"},
    "more_text_above": {"en": "More above", "zh": "上方还有内容"},
    "method_progress": {"en": "Steps taken so far", "zh": "已用到的步骤"},
    "start_values": {
        "en": "At the start: emotion {emotion}, trust {trust}",
        "zh": "开始时：情绪 {emotion}，信任 {trust}",
    },
    "start": {"en": "Start", "zh": "开始"},
    "back": {"en": "Back", "zh": "返回"},
    "brief_keys": {
        "en": "Enter: start  ·  A: your authority  ·  C: coach/exam  ·  Esc: back",
        "zh": "Enter：开始  ·  A：你的权限  ·  C：切换教练/考核  ·  Esc：返回",
    },
    # -- play ----------------------------------------------------------------------------
    "emotion": {"en": "Emotion", "zh": "情绪"},
    "trust": {"en": "Trust", "zh": "信任"},
    "calm": {"en": "calm", "zh": "平静"},
    "furious": {"en": "furious", "zh": "暴怒"},
    "none_trust": {"en": "none", "zh": "毫无"},
    "full_trust": {"en": "full", "zh": "完全"},
    "you": {"en": "You", "zh": "你"},
    "not_chosen": {"en": "Not chosen", "zh": "未选择"},
    "coach": {"en": "Coach", "zh": "教练"},
    "turn_n": {"en": "Reply {n}", "zh": "第 {n} 次回复"},
    "your_reply": {"en": "Your reply", "zh": "你的回复"},
    "play_keys_typing": {
        "en": "Space or click: show the whole line  ·  1-{n}: reply now  ·  A: your authority",
        "zh": "空格或点击：显示全文  ·  1-{n}：立即回复  ·  A：你的权限",
    },
    "play_keys_words": {
        "en": "Type your reply in your own words, Enter: say it  ·  Esc: leave",
        "zh": "用自己的话输入回复，Enter：说出  ·  Esc：离开",
    },
    "answer": {"en": "Answer", "zh": "回答方式"},
    "answer_pick": {"en": "Pick", "zh": "选择"},
    "answer_words": {"en": "Own words", "zh": "自己说"},
    "play_keys": {
        "en": "1-{n} or click: reply  ·  A: your authority  ·  Esc: leave",
        "zh": "按 1-{n} 或点击：回复  ·  A：你的权限  ·  Esc：离开",
    },
    "play_keys_end": {
        "en": "Enter: see the debrief",
        "zh": "Enter：查看复盘",
    },
    "conversation_over": {"en": "The conversation is over", "zh": "对话结束"},
    "see_debrief": {"en": "See the debrief", "zh": "查看复盘"},
    "learned_fact": {"en": "You learned: {fact}", "zh": "你了解到：{fact}"},
    "rule_fired": {"en": "The customer has had enough.", "zh": "客户已经忍无可忍。"},
    # -- steps, qualities, pitfalls, outcomes ---------------------------------------------
    # the same names as the terminal's and the debrief's (sim.coach.labels: steps,
    # qualities, pitfalls, outcomes and statuses; a test keeps them equal, the coach
    # package is too heavy to import before the menu)
    "step_listen": {"en": "Listen patiently", "zh": "耐心倾听"},
    "step_apologize": {"en": "Apologise sincerely", "zh": "放低姿态，真诚道歉"},
    "step_clarify": {"en": "Clarify the demand", "zh": "明确诉求"},
    "step_solve": {"en": "Offer a solution, agree on it", "zh": "提供方案，达成共识"},
    "step_commit": {"en": "Apologise again and commit", "zh": "再次道歉并郑重承诺"},
    "step_none": {"en": "No step", "zh": "不属于五步"},
    "q_best": {"en": "best", "zh": "最佳"},
    "q_good": {"en": "good", "zh": "不错"},
    "q_poor": {"en": "poor", "zh": "欠妥"},
    "q_harmful": {"en": "harmful", "zh": "有害"},
    "p_argue": {"en": "arguing", "zh": "与客户争辩"},
    "p_excuse": {"en": "making excuses", "zh": "找借口"},
    "p_blame": {"en": "blaming", "zh": "推卸责任"},
    "p_overpromise": {"en": "over-promising", "zh": "过度承诺"},
    "p_dismiss": {"en": "dismissing", "zh": "敷衍打发"},
    "p_sidetrack": {"en": "side-tracking", "zh": "节外生枝"},
    "p_stonewall": {"en": "stonewalling", "zh": "推诿搪塞"},
    "p_threaten": {"en": "threatening", "zh": "威胁客户"},
    "o_resolved": {"en": "Resolved", "zh": "圆满化解"},
    "o_partial": {"en": "Partly resolved", "zh": "部分化解"},
    "o_escalated": {"en": "Escalated", "zh": "事态升级"},
    "o_lost": {"en": "Customer lost", "zh": "客户流失"},
    "o_unfinished": {"en": "Unfinished", "zh": "未完成"},
    "s_excellent": {"en": "Excellent", "zh": "优秀"},
    "s_done": {"en": "Done", "zh": "完成"},
    "s_weak": {"en": "Weak", "zh": "薄弱"},
    "s_missed": {"en": "Missed", "zh": "缺失"},
    # -- confirm -------------------------------------------------------------------------
    "leave_title": {"en": "Leave this session?", "zh": "要离开这次练习吗？"},
    "leave_body": {
        "en": "Every reply so far is saved; you can resume from the menu.",
        "zh": "已作出的回复都已保存，之后可以在菜单里继续。",
    },
    "leave_body_unsaved": {
        "en": "This session is not recorded; leaving ends it.",
        "zh": "这次练习没有记录，离开后将无法继续。",
    },
    "leave": {"en": "Leave", "zh": "离开"},
    "stay": {"en": "Stay", "zh": "留下"},
    "quit_title": {"en": "Quit Defuse?", "zh": "要退出“化解”吗？"},
    "yes_key": {"en": "Enter", "zh": "Enter"},
    # -- debrief -------------------------------------------------------------------------
    "debrief": {"en": "Debrief", "zh": "复盘"},
    "debrief_title": {"en": "Debrief: {title}", "zh": "复盘：{title}"},
    "score": {"en": "Score", "zh": "得分"},
    "how_scored": {"en": "How this was scored", "zh": "评分方式"},
    "points": {"en": "{points} / {max}", "zh": "{points} / {max}"},
    "five_steps": {"en": "The five steps", "zh": "五步化解法"},
    "col_step": {"en": "Step", "zh": "步骤"},
    "col_status": {"en": "Result", "zh": "结果"},
    "col_turns": {"en": "Replies", "zh": "回复"},
    "col_yours": {"en": "What you said", "zh": "你说的"},
    "col_better": {"en": "A better reply", "zh": "更好的说法"},
    "turn_ref": {"en": "#{n}", "zh": "第{n}次"},
    "no_turns": {"en": "-", "zh": "-"},
    "order_title": {"en": "Order of the steps", "zh": "步骤顺序"},
    "pitfalls": {"en": "Pitfalls", "zh": "失误"},
    "no_pitfalls": {"en": "No pitfalls. Well done.", "zh": "没有失误，做得好。"},
    "missed_title": {"en": "Better replies you could have chosen", "zh": "本可以选择的更好回复"},
    "at_turn": {"en": "Reply {n}", "zh": "第 {n} 次回复"},
    "you_said": {"en": "You said", "zh": "你说"},
    "better": {"en": "Better", "zh": "更好"},
    "effect": {"en": "emotion {emotion}, trust {trust}", "zh": "情绪 {emotion}，信任 {trust}"},
    "facts_title": {"en": "Facts uncovered", "zh": "了解到的事实"},
    "facts_missed_title": {"en": "Facts you did not uncover", "zh": "没有了解到的事实"},
    "no_facts": {"en": "None", "zh": "无"},
    "chart_title": {"en": "Emotion and trust, reply by reply", "zh": "情绪与信任的变化"},
    "chart_start": {"en": "start", "zh": "开始"},
    "final_meters": {
        "en": "Final emotion {emotion}, trust {trust}",
        "zh": "最终情绪 {emotion}，信任 {trust}",
    },
    "replay": {"en": "Replay", "zh": "再练一次"},
    "review": {"en": "Review", "zh": "逐轮回顾"},
    "menu": {"en": "Menu", "zh": "返回菜单"},
    "debrief_keys": {
        "en": "R: replay  ·  V: review  ·  Up/Down: scroll  ·  Esc: menu",
        "zh": "R：再练一次  ·  V：逐轮回顾  ·  上/下：滚动  ·  Esc：返回菜单",
    },
    "mode_was": {"en": "{mode}, {replies}", "zh": "{mode}，共回复 {replies}"},
    # -- review --------------------------------------------------------------------------
    "review_title": {
        "en": "Review: reply {n} of {total}",
        "zh": "回顾：第 {n} 次回复，共 {total} 次",
    },
    "customer_said": {"en": "The customer said", "zh": "客户说"},
    "you_chose": {"en": "You chose", "zh": "你选择了"},
    "road_not_taken": {"en": "The other replies on offer", "zh": "当时的其他选项"},
    "no_other": {"en": "There was no other reply on offer.", "zh": "当时没有其他选项。"},
    "would_do": {"en": "would have: {effect}", "zh": "效果：{effect}"},
    "prev": {"en": "Previous", "zh": "上一轮"},
    "next": {"en": "Next", "zh": "下一轮"},
    "review_keys": {
        "en": "Left/Right: reply by reply  ·  Up/Down: scroll  ·  Esc: debrief",
        "zh": "左/右：逐轮翻看  ·  上/下：滚动  ·  Esc：返回复盘",
    },
    # -- trainer preview (F5, F2) ----------------------------------------------------------
    "ok": {"en": "OK", "zh": "知道了"},
    "reload_errors_title": {
        "en": "The edited scenario has errors",
        "zh": "修改后的案例有错误",
    },
    "reload_errors_body": {
        "en": "{n} error(s), listed below as file:line:column. The version loaded before "
              "keeps playing; fix the file and press F5 again.",
        "zh": "共 {n} 处错误，位置见下（文件:行:列）。游戏继续使用修改前的版本；"
              "改好文件后再按 F5。",
    },
    "reload_gone_title": {
        "en": "Cannot continue in the edited file",
        "zh": "无法在修改后的文件中继续",
    },
    "reload_gone_body": {
        "en": "The node '{node}' where play is now is no longer in {path}, so the version "
              "loaded before keeps playing. Restart the case to play the new version.",
        "zh": "当前所在的节点“{node}”已不在 {path} 中，游戏继续使用修改前的版本。"
              "重新开始本案例即可练习新版本。",
    },
    "reload_ended_body": {
        "en": "This conversation has ended (at '{node}'); restart the case to play the "
              "new version of {path}.",
        "zh": "本次对话已经结束（在“{node}”）；重新开始本案例即可练习 {path} 的新版本。",
    },
    "reloaded": {"en": "Reloaded {name}", "zh": "已重新载入 {name}"},
    "reloaded_unrecorded": {
        "en": "Reloaded {name}; the rest of this play is not recorded",
        "zh": "已重新载入 {name}；之后的练习不再记录",
    },
    "ov_title": {"en": "Trainer view (F2)", "zh": "培训师视图（F2）"},
    "ov_reloaded": {"en": "reloaded {n}x", "zh": "已重新载入 {n} 次"},
    "ov_node": {"en": "Node", "zh": "节点"},
    "ov_turn": {"en": "Replies", "zh": "已回复"},
    "ov_flags": {"en": "Flags", "zh": "标记"},
    "ov_facts": {"en": "Facts", "zh": "事实"},
    "ov_none": {"en": "none", "zh": "无"},
    # -- records unusable --------------------------------------------------------------------
    "records_title": {"en": "Your results cannot be recorded", "zh": "无法记录你的练习结果"},
    "records_body": {
        "en": "The records file cannot be used:\n{error}\nThe file has been left exactly as "
              "it is. Play without recording? Nothing you play now will be saved.",
        "zh": "记录文件无法使用：\n{error}\n该文件保持原样，没有被改动。要在不记录的情况下"
              "练习吗？本次练习的结果都不会保存。",
    },
    "records_yes": {"en": "Play without recording", "zh": "不记录，继续练习"},
    "records_no": {"en": "Quit", "zh": "退出"},
    "records_off_toast": {"en": "Not recording", "zh": "本次不记录"},
    "records_off_banner": {
        "en": "Not recording: the records file cannot be used ({path}).",
        "zh": "未记录：记录文件无法使用（{path}）。",
    },
    "records_offline": {"en": "Offline — saved on this computer",
                        "zh": "离线——已保存在本机"},
    # -- history -------------------------------------------------------------------------
    "history_title": {"en": "History of {name}", "zh": "{name}的练习记录"},
    "history_empty": {"en": "No sessions yet.", "zh": "还没有练习记录。"},
    "history_unavailable": {
        "en": "History is not available (no records store).",
        "zh": "无法查看练习记录（没有记录库）。",
    },
    "history_unavailable_file": {
        "en": "History is not available: the records file cannot be used.\n{error}",
        "zh": "无法查看练习记录：记录文件无法使用。\n{error}",
    },
    "h_scores": {"en": "Scores over time", "zh": "得分变化"},
    "attempt_axis": {"en": "attempt", "zh": "第几次"},
    "scores_rescored": {
        "en": "{n} sessions played under an earlier scoring are drawn as today's scoring "
              "gives the same replies (their debriefs show both scores).",
        "zh": "有 {n} 次练习是按早先的评分规则打的分，图中按现行规则对同样的回复重新计分"
              "（打开复盘可看到两个分数）。",
    },
    "scores_rescored_one": {
        "en": "1 session played under an earlier scoring is drawn as today's scoring gives "
              "the same replies (its debrief shows both scores).",
        "zh": "有 1 次练习是按早先的评分规则打的分，图中按现行规则对同样的回复重新计分"
              "（打开复盘可看到两个分数）。",
    },
    "scores_earlier": {
        "en": "earlier scoring, not comparable (the case changed since)",
        "zh": "早先的评分规则，不可比较（案例已修改）",
    },
    "h_best": {"en": "Best score per case", "zh": "各案例最高分"},
    "h_mastery": {
        "en": "The five steps over your last {n} finished sessions",
        "zh": "最近 {n} 次完成的练习中，五个步骤的表现",
    },
    "h_mastery_none": {"en": "The five steps", "zh": "五个步骤的表现"},
    "h_mastery_one": {
        "en": "The five steps in your one finished session",
        "zh": "已完成的 1 次练习中，五个步骤的表现",
    },
    "h_sessions": {"en": "All sessions ({n})", "zh": "全部练习（{n} 次）"},
    "no_finished": {"en": "No finished sessions yet.", "zh": "还没有完成的练习。"},
    "col_best": {"en": "Best", "zh": "最高分"},
    "col_finished": {"en": "Finished", "zh": "完成次数"},
    "col_when": {"en": "When", "zh": "时间"},
    "col_case": {"en": "Case", "zh": "案例"},
    "col_mode": {"en": "Mode", "zh": "模式"},
    "col_outcome": {"en": "Outcome", "zh": "结果"},
    "col_score": {"en": "Score", "zh": "得分"},
    # history: each row reopens its session; the industry filter; honest statuses
    "hk_choose": {"en": "Up/Down: choose a session", "zh": "上/下：选择一次练习"},
    "hk_debrief": {"en": "Enter: its debrief", "zh": "Enter：查看复盘"},
    "hk_resume": {"en": "Enter: resume", "zh": "Enter：继续练习"},
    "hk_replies": {"en": "Enter: its replies", "zh": "Enter：查看回复"},
    "hk_industry": {"en": "I: industry", "zh": "I：行业"},
    "hk_scroll": {"en": "Page Up/Down: scroll", "zh": "PgUp/PgDn：滚动"},
    "hk_menu": {"en": "Esc: menu", "zh": "Esc：返回菜单"},
    "history_title_industry": {"en": "History of {name}: {industry}",
                               "zh": "{name}的练习记录：{industry}"},
    "industry_all": {"en": "All industries", "zh": "全部行业"},
    "toast_industry": {"en": "Industry: {industry}", "zh": "行业：{industry}"},
    "history_empty_industry": {"en": "No sessions in {industry} yet.",
                               "zh": "{industry}行业还没有练习记录。"},
    "st_discarded": {"en": "Discarded", "zh": "已放弃"},
    "st_not_started": {"en": "No reply given", "zh": "未作答"},
    "no_reply_toast": {"en": "No reply was given in this session: nothing to show",
                       "zh": "这次练习没有作答，没有可查看的内容"},
    "resume_gone": {"en": "This case is no longer in the library", "zh": "案例库里已没有这个案例"},
    "played_on": {"en": "Played {when}", "zh": "练习于 {when}"},
    "debrief_keys_past": {
        "en": "R: replay  ·  V: review  ·  Up/Down: scroll  ·  Esc: history",
        "zh": "R：再练一次  ·  V：逐轮回顾  ·  上/下：滚动  ·  Esc：返回练习记录",
    },
    "rescored_note": {
        "en": "Scored {old} when played, by scoring version {version}. Today's scoring "
              "(version {now}) gives this play {new}: the breakdown below is today's.",
        "zh": "练习时按第 {version} 版评分规则得 {old} 分；按现行第 {now} 版规则为 {new} 分，"
              "下面的明细按现行规则计算。",
    },
    "rescored_note_unknown": {
        "en": "Scored {old} when played, by an earlier scoring. Today's scoring "
              "(version {now}) gives this play {new}: the breakdown below is today's.",
        "zh": "练习时按早先的评分规则得 {old} 分；按现行第 {now} 版规则为 {new} 分，"
              "下面的明细按现行规则计算。",
    },
    "reopen_title": {"en": "This debrief can't be rebuilt", "zh": "无法重现这次复盘"},
    "reopen_changed": {
        "en": "The case “{case}” has been edited since this session, so its replies may no "
            "longer lead where they did. Recorded: {result}. Your replies as recorded:",
        "zh": "案例“{case}”在这次练习后被修改过，原来的回复未必还会走到原来的结果。"
              "记录中的结果：{result}。你当时的回复：",
    },
    "reopen_missing": {
        "en": "The case “{case}” is no longer in the library. Recorded: {result}. "
              "Your replies as recorded:",
        "zh": "案例库里已没有案例“{case}”。记录中的结果：{result}。你当时的回复：",
    },
    "reopen_broken": {
        "en": "The recorded replies of this session no longer replay on “{case}”. "
              "Recorded: {result}. Your replies as recorded:",
        "zh": "这次练习记录的回复无法在案例“{case}”上重现。记录中的结果：{result}。你当时的回复：",
    },
    "recorded_result": {"en": "{outcome}, score {score}", "zh": "{outcome}，得分 {score}"},
}


#: Names of the scenario tags the library uses, in both languages; a tag not listed is
#: shown as written.
TAG_NAMES: dict[str, dict[str, str]] = {
    "education": {"en": "education", "zh": "教育"},
    "payments": {"en": "payments", "zh": "支付"},
    "insurance": {"en": "insurance", "zh": "保险"},
    "banking": {"en": "banking", "zh": "银行"},
    "e-commerce": {"en": "e-commerce", "zh": "电商"},
    "telecoms": {"en": "telecoms", "zh": "电信"},
    "transport": {"en": "transport", "zh": "交通"},
    "elderly": {"en": "elderly customer", "zh": "老年客户"},
    "branch": {"en": "branch", "zh": "网点"},
    "group": {"en": "group", "zh": "多人"},
    "group-chat": {"en": "group chat", "zh": "群聊"},
    "phone": {"en": "phone", "zh": "电话"},
    "funds": {"en": "funds", "zh": "资金"},
    "credit-card": {"en": "credit card", "zh": "信用卡"},
    "agents": {"en": "agents", "zh": "代理商"},
    "negotiation": {"en": "negotiation", "zh": "谈判"},
    "example": {"en": "example", "zh": "示例"},
}


def tag_name(tag: str, lang: str) -> str:
    """A scenario tag in ``lang`` (unknown tags as written)."""
    entry = TAG_NAMES.get(tag)
    return entry.get(lang, tag) if entry else tag


def count(key: str, lang: str, n: int) -> str:
    """A counted phrase: ``key + "_one"`` when ``n`` is 1 ("1 reply"), else ``key``."""
    return t(key + "_one" if n == 1 and key + "_one" in STRINGS else key, lang, n=n)


def score_text(score: float) -> str:
    """A score as shown everywhere in the window: one decimal ("87.5", "90.0")."""
    return f"{float(score):.1f}"


def t(key: str, lang: str, **values: object) -> str:
    """The UI string ``key`` in ``lang`` (falls back to English), formatted with values."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
