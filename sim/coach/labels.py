"""Names of the method's steps, qualities, pitfalls, outcomes and statuses, in both languages.

Shared by every front end so the debrief reads the same everywhere.
"""

from __future__ import annotations

Text = dict[str, str]

STEP_LABELS: dict[str, Text] = {
    "listen": {"en": "Listen patiently", "zh": "耐心倾听"},
    "apologize": {"en": "Apologise sincerely", "zh": "放低姿态，真诚道歉"},
    "clarify": {"en": "Clarify the demand", "zh": "明确诉求"},
    "solve": {"en": "Offer a solution, agree on it", "zh": "提供方案，达成共识"},
    "commit": {"en": "Apologise again and commit", "zh": "再次道歉并郑重承诺"},
}

STEP_ADVICE: dict[str, Text] = {
    "listen": {
        "en": "Let the customer vent before explaining anything, and take in three things: "
              "their emotion, the objective facts, and what they expect.",
        "zh": "先让客户把话说完、把情绪发出来，再做任何解释；听的时候抓住三件事："
              "客户的情绪、客观事实、客户的期望。",
    },
    "apologize": {
        "en": "Lower your stance and apologise sincerely for what went wrong — not a hollow "
              "'sorry', no defending the company, no blaming the customer.",
        "zh": "放低姿态，为出错的地方真诚道歉——不要敷衍一句“不好意思”，"
              "不要替公司辩解，更不要怪客户。",
    },
    "clarify": {
        "en": "Find out what the customer really wants — compensation, a fix, or to be taken "
              "seriously. If unsure, ask: 'How would you like us to resolve this?'",
        "zh": "弄清客户真正要什么——是补偿、是解决问题，还是被重视。拿不准就直接问："
              "“您希望我们怎么处理？”",
    },
    "solve": {
        "en": "Offer a solution grounded in the facts and reach agreement; inside your "
              "authority decide, beyond it consult and say so, never promise what you "
              "can't deliver.",
        "zh": "基于事实提出方案并达成共识：权限内当场拍板，超出权限先请示并如实告知，"
              "做不到的事绝不承诺。",
    },
    "commit": {
        "en": "Apologise once more, commit to concrete follow-up, and invite further "
              "feedback — then keep the promise.",
        "zh": "再次致歉，承诺具体的后续跟进，欢迎客户继续反馈——然后说到做到。",
    },
}

QUALITY_LABELS: dict[str, Text] = {
    "best": {"en": "best", "zh": "最佳"},
    "good": {"en": "good", "zh": "不错"},
    "poor": {"en": "poor", "zh": "欠妥"},
    "harmful": {"en": "harmful", "zh": "有害"},
}

PITFALL_LABELS: dict[str, Text] = {
    "argue": {"en": "arguing", "zh": "与客户争辩"},
    "excuse": {"en": "making excuses", "zh": "找借口"},
    "blame": {"en": "blaming", "zh": "推卸责任"},
    "overpromise": {"en": "over-promising", "zh": "过度承诺"},
    "dismiss": {"en": "dismissing", "zh": "敷衍打发"},
    "sidetrack": {"en": "side-tracking", "zh": "节外生枝"},
    "stonewall": {"en": "stonewalling", "zh": "推诿搪塞"},
    "threaten": {"en": "threatening", "zh": "威胁客户"},
}

#: a heading for the critical errors the method names, listed first in the debrief
CRITICAL_LABEL: Text = {"en": "Critical errors", "zh": "严重错误"}

OUTCOME_LABELS: dict[str, Text] = {
    "resolved": {"en": "Resolved", "zh": "圆满化解"},
    "partial": {"en": "Partly resolved", "zh": "部分化解"},
    "escalated": {"en": "Escalated", "zh": "事态升级"},
    "lost": {"en": "Customer lost", "zh": "客户流失"},
    "unfinished": {"en": "Unfinished", "zh": "未完成"},
}

STATUS_LABELS: dict[str, Text] = {
    "excellent": {"en": "excellent", "zh": "优秀"},
    "done": {"en": "done", "zh": "完成"},
    "weak": {"en": "weak", "zh": "薄弱"},
    "missed": {"en": "missed", "zh": "缺失"},
}

#: the step rows' notes (format with ``n``, the turn)
STEP_ROW_LABELS: dict[str, Text] = {
    "better_of_step": {"en": "Better for this step (reply {n})",
                       "zh": "这一步更好的说法（第{n}次回复）"},
    "at_that_turn": {"en": "No better reply of this step was on offer; at that point (reply {n}) "
                           "a reply of another step would have been better",
                     "zh": "这一步没有更好的选项；但在那一次（第{n}次回复），"
                           "另一个步骤的回答会更好"},
}

#: the turning point's heading
TURNING_LABEL: Text = {"en": "Turning point", "zh": "转折点"}
#: before the reply that would have kept the better ending open
KEPT_OPEN_LABEL: Text = {"en": "This would have kept it open", "zh": "这样说本可以保住机会"}
