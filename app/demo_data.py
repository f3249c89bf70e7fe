"""Demo data: the Children's Social Care Improvement Plan as reported to committee in September 2015.

Pure data, standard library only. Every date is an offset in days so that the seeder can shift the plan:
the plan starts ``PLAN_START_OFFSET_DAYS`` days from the seed day (six months earlier), and action
deadlines and retirement dates are offsets from the plan start. No text mentions a calendar month or a
year, so the narratives stay true whatever day the demo is seeded.

The figures reproduce the committee report: 7 work streams; 52 actions (25 COMPLETED, 27 IN PROGRESS,
0 STATIC); retired actions in work streams 1, 2, 5 and 6; 57 projected outcomes at 6 months
(34 COMPLETED, 23 IN PROGRESS, 0 STATIC); an average caseload of 16 per worker.
"""

from __future__ import annotations

from typing import Literal, TypedDict

PLAN_TITLE = "Children's Social Care Improvement Plan 2015/16"
PLAN_START_OFFSET_DAYS = -183  # plan start relative to seed day

DEMO_PASSWORD = "demo-password-2015"

SeedStatus = Literal["COMPLETED", "IN_PROGRESS"]
Role = Literal["administrator", "project_manager", "service_manager", "senior_manager", "committee_member"]


class ActionSeed(TypedDict):
    reference: str  # "1.1", "1.2", ... per work stream, in order
    title: str  # short title, <= 120 chars
    measures_and_milestones: str  # the "Performance measures and milestones" column
    key_targets: str  # the "Key targets" column
    progress: str  # the "Progress - actions" narrative, as of month 6
    status: SeedStatus
    deadline_offset_days: int  # deadline relative to plan start
    retired_offset_days: int | None  # retirement date relative to plan start (COMPLETED, WS 1, 2, 5, 6 only)


class MeasureSeed(TypedDict):
    reference: str  # "1.M1", "1.M2", ... per work stream, in order
    description: str  # the projected outcome
    target: str  # the 6-month target
    status_6: SeedStatus  # status at the 6-month checkpoint
    narrative_6: str  # narrative at 6 months (Appendix 4 style)
    target_12: str  # the 12-month target
    status_12: Literal["IN_PROGRESS"]  # every 12-month counterpart is IN_PROGRESS at month 6
    narrative_12: str  # what must happen by 12 months


class WorkStreamSeed(TypedDict):
    number: int
    title: str
    service_manager: str  # key of a DEMO_USERS entry: "sm1" | "sm2" | "sm3"
    actions: list[ActionSeed]
    measures: list[MeasureSeed]


class UserSeed(TypedDict):
    key: str
    email: str
    name: str
    role: Role
    job_title: str


DEMO_USERS: list[UserSeed] = [
    {
        "key": "admin",
        "email": "admin@example.org",
        "name": "Priya Raman",
        "role": "administrator",
        "job_title": "Business Systems Support Officer",
    },
    {
        "key": "pm",
        "email": "pm@example.org",
        "name": "Helen Marsh",
        "role": "project_manager",
        "job_title": "Independent Project Manager, Service Improvement Plan",
    },
    {
        "key": "smt",
        "email": "smt@example.org",
        "name": "David Okafor",
        "role": "senior_manager",
        "job_title": "Assistant Director, Children's Social Care",
    },
    {
        "key": "committee",
        "email": "committee@example.org",
        "name": "Cllr Margaret Ellison",
        "role": "committee_member",
        "job_title": "Member, Children, Young People and Learning Policy Overview Committee",
    },
    {
        "key": "sm1",
        "email": "sm1@example.org",
        "name": "Sarah Whitfield",
        "role": "service_manager",
        "job_title": "Service Manager, Workforce, MASH and Assessment",
    },
    {
        "key": "sm2",
        "email": "sm2@example.org",
        "name": "Tom Adeyemi",
        "role": "service_manager",
        "job_title": "Service Manager, Children's Social Work and Looked After Children",
    },
    {
        "key": "sm3",
        "email": "sm3@example.org",
        "name": "Rachel Dunmore",
        "role": "service_manager",
        "job_title": "Service Manager, Fostering, Adoption and Quality Assurance",
    },
]


WORK_STREAMS: list[WorkStreamSeed] = [
    # ------------------------------------------------------------------ 1
    {
        "number": 1,
        "title": "Workforce Development",
        "service_manager": "sm1",
        "actions": [
            {
                "reference": "1.1",
                "title": "Recruit permanent Team Managers to the CIN, CP and LAC teams",
                "measures_and_milestones": (
                    "Permanent Team Managers appointed to every CIN, CP and LAC team; interim managers released "
                    "on a phased basis with a recorded handover of every open case."
                ),
                "key_targets": "At least 80% of Team Manager posts filled by permanent staff by month 4.",
                "progress": (
                    "Six of the seven Team Manager posts are now filled by permanent appointments following two "
                    "rounds of interviews, with a young person from the Children in Care Council on each panel. "
                    "The remaining post is covered by a long-standing interim who has applied for the permanent "
                    "role. Every handover was completed without any case becoming unallocated. No further "
                    "progress is required and the action has been retired."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 90,
                "retired_offset_days": 120,
            },
            {
                "reference": "1.2",
                "title": "Recruit permanent Service Managers across the service",
                "measures_and_milestones": (
                    "Permanent Service Managers in post for Triage and Assessment, Children's Social Work, "
                    "Looked After Children and Fostering & Adoption, each with an induction plan."
                ),
                "key_targets": "All Service Manager posts filled substantively; no Service Manager post covered by agency staff.",
                "progress": (
                    "All Service Manager posts have been filled by permanent appointments, two of them through "
                    "internal promotion. Each Service Manager has agreed objectives that are tied to the work "
                    "streams they lead. The action is complete and has been moved to Retired actions."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 120,
                "retired_offset_days": 150,
            },
            {
                "reference": "1.3",
                "title": "National recruitment campaign for permanent social workers",
                "measures_and_milestones": (
                    "National campaign launched with a refreshed offer (manageable caseloads, a clear career "
                    "pathway and flexible working); assessment centres held every month through the autumn."
                ),
                "key_targets": (
                    "25 permanent social workers recruited; agency social workers reduced from 48% to below 30% "
                    "of qualified posts."
                ),
                "progress": (
                    "The campaign has gone live nationally in the professional press and on social media, using "
                    "our average caseload of 16 per worker as the main selling point. The first assessment "
                    "centre attracted 34 applicants and 9 have been offered posts subject to references and DBS "
                    "checks. Further assessment centres are booked monthly through the autumn."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 300,
                "retired_offset_days": None,
            },
            {
                "reference": "1.4",
                "title": "Agree a recruitment and retention package for social work staff",
                "measures_and_milestones": (
                    "Package agreed with HR and Finance, including a market supplement for hard-to-fill posts, "
                    "a relocation allowance and a retention payment after two years' service."
                ),
                "key_targets": "Package approved by the Corporate Director and in place before the national campaign launches.",
                "progress": (
                    "The package was approved and has been applied to every new permanent social work and Team "
                    "Manager appointment. Exit interviews show that pay is now cited by fewer leavers than a year "
                    "ago. The package will be reviewed annually with HR."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 75,
                "retired_offset_days": None,
            },
            {
                "reference": "1.5",
                "title": "Reduce reliance on interim and agency staff",
                "measures_and_milestones": (
                    "Conversion offer made to interim and agency workers who have been with the service for more "
                    "than six months; agency and permanent ratio tracked monthly for each team."
                ),
                "key_targets": (
                    "Agency staff below 25% of qualified social work posts within 12 months; no team with more "
                    "than 40% agency staff."
                ),
                "progress": (
                    "Eleven agency social workers have accepted permanent contracts since the conversion offer "
                    "was made. Two teams remain above 40% agency staff and have been prioritised for the next "
                    "campaign appointments. The ratio is reported to SMT every month and agency spend is falling."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 330,
                "retired_offset_days": None,
            },
            {
                "reference": "1.6",
                "title": "Strengthen the ASYE programme for newly qualified social workers",
                "measures_and_milestones": (
                    "Assessed and Supported Year in Employment programme refreshed with a dedicated practice "
                    "educator, protected development time and fortnightly reflective group supervision."
                ),
                "key_targets": (
                    "Every newly qualified social worker enrolled within four weeks of starting; caseloads capped "
                    "at 12 during the first six months."
                ),
                "progress": (
                    "The refreshed programme is running with a dedicated practice educator. All eight newly "
                    "qualified social workers are enrolled and none holds more than 12 cases. Feedback from the "
                    "first cohort has been used to shape the induction for the next intake."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 150,
                "retired_offset_days": None,
            },
            {
                "reference": "1.7",
                "title": "Train all front-line staff and managers in the new practice model",
                "measures_and_milestones": (
                    "Two-day practice model course delivered to every social worker and manager, followed by "
                    "practice workshops in each team."
                ),
                "key_targets": (
                    "95% of social workers and all managers trained; attendance recorded on the learning "
                    "management system."
                ),
                "progress": (
                    "Seven cohorts have completed the course, covering 71% of social workers and 88% of managers. "
                    "The remaining places are booked so that agency starters can attend within their first eight "
                    "weeks. Practice workshops have begun in the CP teams."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 280,
                "retired_offset_days": None,
            },
            {
                "reference": "1.8",
                "title": "Introduce weekly caseload monitoring for every team",
                "measures_and_milestones": (
                    "Weekly caseload report produced from the case management system for every team and reviewed "
                    "by Team Managers and the Service Manager."
                ),
                "key_targets": "Average caseload no more than 18 per worker in CIN and CP teams; no individual worker above 22 cases.",
                "progress": (
                    "The weekly report is in place and is discussed at the Service Managers' meeting. Average "
                    "caseloads have stayed stable at 16 per worker and no worker has held more than 21 cases since "
                    "the report began. The report is shared with the project manager as evidence for the plan."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 60,
                "retired_offset_days": None,
            },
            {
                "reference": "1.9",
                "title": "Introduce a career progression framework for social workers",
                "measures_and_milestones": (
                    "Framework setting out the criteria for progression from social worker to senior practitioner "
                    "and advanced practitioner, assessed by a progression panel."
                ),
                "key_targets": "Framework agreed with HR and trade unions; first progression panel held; six senior practitioner posts filled.",
                "progress": (
                    "The draft framework has been consulted on with staff and trade union representatives and "
                    "their comments have been incorporated. It is awaiting sign-off by the Corporate Director "
                    "ahead of the first progression panel. Four staff have already expressed an interest in the "
                    "senior practitioner route."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 345,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "1.M1",
                "description": "Average caseload per social worker in the CIN and CP teams",
                "target": "No more than 18 cases per worker",
                "status_6": "COMPLETED",
                "narrative_6": (
                    "The average caseload across the CIN and CP teams is 16 per worker, within the target of 18. "
                    "All statutory CP and LAC cases are allocated to a qualified social worker."
                ),
                "target_12": "No more than 18 cases per worker, with no worker above 22",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Caseloads must stay stable while new permanent staff are inducted and demand remains high.",
            },
            {
                "reference": "1.M2",
                "description": "Team Manager posts filled by permanent staff",
                "target": "At least 80% of posts",
                "status_6": "COMPLETED",
                "narrative_6": "Six of the seven Team Manager posts (86%) are filled by permanent managers.",
                "target_12": "All Team Manager posts filled by permanent staff",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The last Team Manager post must be filled substantively in the current recruitment round.",
            },
            {
                "reference": "1.M3",
                "description": "Service Manager posts filled by permanent staff",
                "target": "All posts",
                "status_6": "COMPLETED",
                "narrative_6": "Every Service Manager post is filled by a permanent appointment, two through internal promotion.",
                "target_12": "Permanent Service Managers retained, with no post vacant for more than three months",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Retention to be monitored through supervision and the annual appraisal round.",
            },
            {
                "reference": "1.M4",
                "description": "Qualified social work posts filled by agency staff",
                "target": "Below 40%",
                "status_6": "IN_PROGRESS",
                "narrative_6": (
                    "Agency staff fill 44% of qualified social work posts, down from 48% when the plan started "
                    "but above the 6-month target."
                ),
                "target_12": "Below 25%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The national campaign and the conversion offer need to deliver at least 25 permanent appointments.",
            },
            {
                "reference": "1.M5",
                "description": "Social worker turnover over a rolling 12 months",
                "target": "Below 15%",
                "status_6": "COMPLETED",
                "narrative_6": "Turnover is 12% on a rolling 12-month basis, compared with 19% a year earlier.",
                "target_12": "Below 12%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The retention package and career progression framework must be embedded to keep turnover low.",
            },
            {
                "reference": "1.M6",
                "description": "Newly qualified social workers supported through the ASYE programme",
                "target": "All enrolled, with caseloads of no more than 12",
                "status_6": "COMPLETED",
                "narrative_6": "All 8 newly qualified social workers are enrolled on the ASYE programme and hold no more than 12 cases.",
                "target_12": "90% of the current cohort complete the ASYE successfully",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Final assessments of the first cohort to be moderated by the practice educator and a Service Manager.",
            },
            {
                "reference": "1.M7",
                "description": "Staff trained in the new practice model",
                "target": "80% of social workers and all managers",
                "status_6": "IN_PROGRESS",
                "narrative_6": "71% of social workers and 88% of managers have completed the two-day course.",
                "target_12": "95% of social workers and all managers trained, with the model evident in 80% of audited cases",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Remaining cohorts to be trained and use of the model tested through case file audits.",
            },
            {
                "reference": "1.M8",
                "description": "Permanent social workers offered posts through the national campaign",
                "target": "At least 10 offers",
                "status_6": "IN_PROGRESS",
                "narrative_6": (
                    "Nine offers have been made after the first assessment centre, one short of the target; "
                    "further centres are booked."
                ),
                "target_12": "25 permanent social workers in post",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Monthly assessment centres must turn offers into starters, with pre-employment checks completed promptly.",
            },
            {
                "reference": "1.M9",
                "description": "Staff who feel well supported by their manager (staff survey)",
                "target": "At least 70%",
                "status_6": "COMPLETED",
                "narrative_6": "74% of staff who responded to the survey said they feel well supported by their manager (response rate 63%).",
                "target_12": "At least 80%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Repeat the survey and act on the themes raised about workload and case recording.",
            },
        ],
    },
    # ------------------------------------------------------------------ 2
    {
        "number": 2,
        "title": "Improving Triage, MASH and Referrals & Assessment",
        "service_manager": "sm1",
        "actions": [
            {
                "reference": "2.1",
                "title": "Co-locate police, health and education partners in the MASH",
                "measures_and_milestones": (
                    "Police, health and education staff based in the MASH alongside social workers, with an "
                    "information-sharing agreement signed by every partner."
                ),
                "key_targets": "All core partners present five days a week; information-sharing protocol signed by each agency.",
                "progress": (
                    "The police public protection desk, a health liaison nurse and an education officer now work "
                    "in the MASH full time. The information-sharing protocol has been signed by all partners and "
                    "is overseen by the MASH steering group. As no further progress is required the action has "
                    "been retired."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 45,
                "retired_offset_days": 100,
            },
            {
                "reference": "2.2",
                "title": "Relaunch the multi-agency threshold document",
                "measures_and_milestones": (
                    "Threshold document revised with partners and relaunched through briefings for schools, GPs, "
                    "police and health visitors."
                ),
                "key_targets": "Revised thresholds endorsed by the LSCB; at least 300 partner staff briefed.",
                "progress": (
                    "The LSCB endorsed the revised document, and 14 briefing sessions reached 342 partner staff, "
                    "including the designated safeguarding lead from every school. Fewer contacts now arrive "
                    "without the information needed to make a decision."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 90,
                "retired_offset_days": None,
            },
            {
                "reference": "2.3",
                "title": "Decide on every contact within one working day",
                "measures_and_milestones": (
                    "Every contact screened and a decision recorded by a qualified social worker or manager within "
                    "one working day; a daily MASH meeting reviews open contacts."
                ),
                "key_targets": "95% of contacts have a recorded decision within 24 hours.",
                "progress": (
                    "89% of contacts now receive a decision within 24 hours, up from 72% when the plan started. "
                    "A daily MASH meeting reviews every contact open for more than 12 hours. Most delays involve "
                    "health checks, which the health liaison nurse now prioritises."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 260,
                "retired_offset_days": None,
            },
            {
                "reference": "2.4",
                "title": "Introduce a single assessment tracker for the assessment teams",
                "measures_and_milestones": (
                    "Weekly tracker of every open single assessment, flagging those at 30, 40 and 45 working "
                    "days, reviewed by Team Managers."
                ),
                "key_targets": (
                    "Tracker in use by every assessment team; no assessment passes 45 working days without a "
                    "recorded Team Manager decision."
                ),
                "progress": (
                    "The tracker is produced every Monday and discussed at team meetings. Every assessment open "
                    "beyond 40 working days now has a management oversight note on the file. Timeliness itself is "
                    "measured under action 2.5 and the work stream's performance measures."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 120,
                "retired_offset_days": None,
            },
            {
                "reference": "2.5",
                "title": "Complete single assessments within 45 working days",
                "measures_and_milestones": (
                    "Single assessments completed within 45 working days, with the child seen, and seen alone "
                    "where appropriate, recorded in every assessment."
                ),
                "key_targets": "At least 85% of single assessments completed within 45 working days; children seen in every assessment.",
                "progress": (
                    "Timeliness has improved to 81% of assessments completed within 45 working days, from 64% at "
                    "the start of the plan. Children are recorded as seen in 97% of assessments. Two additional "
                    "assessment social workers have joined the busiest team to reduce its backlog."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 300,
                "retired_offset_days": None,
            },
            {
                "reference": "2.6",
                "title": "Hold timely multi-agency strategy discussions",
                "measures_and_milestones": (
                    "Strategy discussion protocol revised so that police, health and children's social care take "
                    "part in every discussion, by telephone where necessary."
                ),
                "key_targets": "Strategy discussions held within one working day of the decision in 95% of cases; outcome recorded within 24 hours.",
                "progress": (
                    "The revised protocol is in use and a police sergeant in the MASH can join discussions the same "
                    "day. An audit of 40 strategy discussions found 38 held within one working day, all with police "
                    "involvement, and health taking part in 90%. Performance is now monitored on the monthly "
                    "scorecard."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 150,
                "retired_offset_days": None,
            },
            {
                "reference": "2.7",
                "title": "Reduce re-referrals within 12 months",
                "measures_and_milestones": (
                    "Analysis of children re-referred within 12 months, with learning shared with Early Help and "
                    "partners; step-down arrangements strengthened."
                ),
                "key_targets": "Re-referral rate within 12 months below 20%, in line with statistical neighbours.",
                "progress": (
                    "Re-referrals stand at 23%, down from 27%. A dip sample of 30 re-referred cases found that the "
                    "main theme was closure without a step-down plan. A step-down protocol with Early Help is being "
                    "drafted for a joint launch."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 330,
                "retired_offset_days": None,
            },
            {
                "reference": "2.8",
                "title": "Link the Emergency Duty Team to the MASH",
                "measures_and_milestones": (
                    "Handover between the Emergency Duty Team and the MASH strengthened so that every overnight "
                    "and weekend contact is reviewed by 10am on the next working day."
                ),
                "key_targets": "All out-of-hours contacts reviewed by 10am the next working day; shared recording on Liquid Logic.",
                "progress": (
                    "A morning handover call between the Emergency Duty Team and the MASH manager is in place. The "
                    "Emergency Duty Team still records on a separate system, and access to Liquid Logic is being "
                    "arranged; two staff have test access."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 270,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "2.M1",
                "description": "Contacts with a recorded decision within 24 hours",
                "target": "At least 85%",
                "status_6": "COMPLETED",
                "narrative_6": "89% of contacts had a recorded decision within 24 hours, above the 6-month target of 85%.",
                "target_12": "95%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Delays awaiting health checks must be removed so that nearly every contact is decided the same day.",
            },
            {
                "reference": "2.M2",
                "description": "Single assessments completed within 45 working days",
                "target": "At least 80%",
                "status_6": "COMPLETED",
                "narrative_6": "81% of single assessments were completed within 45 working days, compared with 64% at the start of the plan.",
                "target_12": "At least 85%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The backlog in the busiest assessment team must be cleared and the weekly tracker kept up.",
            },
            {
                "reference": "2.M3",
                "description": "Referrals that are re-referrals within 12 months",
                "target": "Below 22%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "The re-referral rate is 23%, down from 27% but still above the 6-month target.",
                "target_12": "Below 20%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The step-down protocol with Early Help must be launched and its effect measured.",
            },
            {
                "reference": "2.M4",
                "description": "Strategy discussions held within one working day",
                "target": "95%",
                "status_6": "COMPLETED",
                "narrative_6": "38 of 40 audited strategy discussions (95%) were held within one working day, all with police taking part.",
                "target_12": "95%, with health taking part in every discussion",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Health participation needs to rise from 90% to every discussion.",
            },
            {
                "reference": "2.M5",
                "description": "Contacts that progress to a referral",
                "target": "Between 30% and 40%",
                "status_6": "COMPLETED",
                "narrative_6": "34% of contacts progressed to referral, showing that thresholds are being applied more consistently.",
                "target_12": "Between 30% and 40%, with no more than 10% of assessments ending in no further action",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Threshold decisions to be dip-sampled each quarter with partners.",
            },
            {
                "reference": "2.M6",
                "description": "Partner staff briefed on the revised thresholds",
                "target": "300 staff",
                "status_6": "COMPLETED",
                "narrative_6": "342 partner staff attended threshold briefings, including the designated safeguarding lead from every school.",
                "target_12": "Threshold briefing included in the induction of every partner agency",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Partners to confirm that new starters receive the briefing as part of induction.",
            },
            {
                "reference": "2.M7",
                "description": "Children seen during single assessments",
                "target": "100%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "Children were seen in 97% of assessments; the remaining cases have been reviewed and the reasons recorded.",
                "target_12": "100%, with children seen alone where appropriate in at least 90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Team Managers must check that the child has been seen before authorising any assessment.",
            },
            {
                "reference": "2.M8",
                "description": "Out-of-hours contacts reviewed by the MASH by 10am the next working day",
                "target": "90%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "82% of out-of-hours contacts were reviewed by 10am; separate recording systems are the main cause of delay.",
                "target_12": "100%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The Emergency Duty Team must be recording directly on Liquid Logic.",
            },
            {
                "reference": "2.M9",
                "description": "Partner presence in the MASH",
                "target": "Police, health and education present every working day",
                "status_6": "COMPLETED",
                "narrative_6": "Police, health and education have been present in the MASH every working day for the last three months.",
                "target_12": "Probation and housing join the MASH on a sessional basis",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Sessional arrangements with probation and housing to be agreed through the MASH steering group.",
            },
        ],
    },
    # ------------------------------------------------------------------ 3
    {
        "number": 3,
        "title": "Improving social work practice within the Children's Social Work Teams",
        "service_manager": "sm2",
        "actions": [
            {
                "reference": "3.1",
                "title": "Hold initial child protection conferences within 15 working days",
                "measures_and_milestones": (
                    "Conference booked at the point of the strategy discussion; weekly review of conference "
                    "timeliness with the manager of the Child Protection Chairs."
                ),
                "key_targets": "90% of initial child protection conferences held within 15 working days of the strategy discussion.",
                "progress": (
                    "84% of initial conferences are now held within 15 working days, up from 76%, but still short "
                    "of the target. The rising number of children subject to a CP plan has stretched chairing "
                    "capacity, and an additional interim chair has been agreed for three months. The deadline is "
                    "close and the Service Manager is reviewing progress weekly."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 200,
                "retired_offset_days": None,
            },
            {
                "reference": "3.2",
                "title": "Review every child protection plan within statutory timescales",
                "measures_and_milestones": (
                    "Review conferences booked at the close of each conference, with the date recorded on the "
                    "child's record and automatic reminders to the social worker."
                ),
                "key_targets": "All CP plans reviewed within three months of the initial conference and then at least every six months.",
                "progress": (
                    "Every review conference is now booked before the previous one closes. All CP plans due for "
                    "review in the last quarter were reviewed on time. The process has been written into the "
                    "child protection conference procedures."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 120,
                "retired_offset_days": None,
            },
            {
                "reference": "3.3",
                "title": "Hold core group meetings on time and record them promptly",
                "measures_and_milestones": (
                    "First core group within 10 working days of the initial conference and then at least every six "
                    "weeks, with minutes sent to the family and partners."
                ),
                "key_targets": "95% of first core groups held within 10 working days; minutes on file within 5 working days.",
                "progress": (
                    "First core groups are held on time in 88% of cases. Minutes are not consistently on file within "
                    "5 working days, so a standard core group template has been added to Liquid Logic. Team "
                    "Managers are checking compliance in supervision."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 280,
                "retired_offset_days": None,
            },
            {
                "reference": "3.4",
                "title": "Track statutory visits to children subject to a CP plan",
                "measures_and_milestones": (
                    "Weekly report of visits to children on CP plans, showing whether each child was seen alone "
                    "and whether their views were recorded."
                ),
                "key_targets": "Children on CP plans visited at least every 10 working days; 90% seen alone.",
                "progress": (
                    "The weekly visits report is in place and Team Managers follow up any overdue visit the same "
                    "day. Over the last quarter 96% of visits were within timescale and 91% of children were seen "
                    "alone. The report is now part of routine management oversight."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 90,
                "retired_offset_days": None,
            },
            {
                "reference": "3.5",
                "title": "Embed a Signs of Safety approach in CIN and CP work",
                "measures_and_milestones": (
                    "Signs of Safety mapping used in conferences and core groups, with safety plans and danger "
                    "statements written in plain language for families."
                ),
                "key_targets": "Safety plans in 80% of audited CP cases; feedback from 20 families each quarter.",
                "progress": (
                    "Early audits found safety plans in 58% of sampled CP cases. Practice leads run monthly mapping "
                    "sessions in each team. Family feedback forms have been introduced in the CP teams and the "
                    "first 14 responses have been received."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 320,
                "retired_offset_days": None,
            },
            {
                "reference": "3.6",
                "title": "Review child in need plans at least every three months",
                "measures_and_milestones": (
                    "Child in need plans reviewed in a multi-agency meeting at least every three months, with clear "
                    "outcomes and a recorded decision on step-down or closure."
                ),
                "key_targets": "90% of CIN plans reviewed within three months; every closure has a recorded manager decision.",
                "progress": (
                    "A tracker of CIN reviews shows 79% reviewed within three months. Teams are prioritising "
                    "children who have had a plan for more than 12 months. Progress is reported to the monthly "
                    "performance clinic."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 290,
                "retired_offset_days": None,
            },
            {
                "reference": "3.7",
                "title": "Track cases in PLO pre-proceedings through a monthly panel",
                "measures_and_milestones": (
                    "Legal planning meeting and pre-proceedings tracking panel established, chaired by the Service "
                    "Manager with legal services."
                ),
                "key_targets": (
                    "Every case in the PLO pre-proceedings stage reviewed monthly; letters before proceedings "
                    "issued within 5 working days of the decision."
                ),
                "progress": (
                    "The tracking panel has met five times and reviews every case in pre-proceedings. Letters before "
                    "proceedings have been issued within 5 working days in every case. The average time in "
                    "pre-proceedings has fallen from 21 to 14 weeks."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 150,
                "retired_offset_days": None,
            },
            {
                "reference": "3.8",
                "title": "Reduce long-running and repeat child protection plans",
                "measures_and_milestones": (
                    "Review of every child subject to a CP plan for more than 18 months and of every child subject "
                    "to a plan for a second or subsequent time."
                ),
                "key_targets": "Fewer than 5% of CP plans lasting 2 years or more; repeat plans below 15%.",
                "progress": (
                    "Every child with a plan of more than 18 months has been reviewed by a Child Protection Chair "
                    "and the Service Manager, and 9 now have clear exit plans. Repeat plans stand at 17%. A themed "
                    "audit of repeat plans is scheduled to inform the next steps."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 350,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "3.M1",
                "description": "Initial child protection conferences held within 15 working days",
                "target": "85%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "84% of initial conferences were held within 15 working days, just below the 6-month target.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Chairing capacity must keep pace with the higher number of children subject to a CP plan.",
            },
            {
                "reference": "3.M2",
                "description": "Child protection plans reviewed within timescales",
                "target": "100%",
                "status_6": "COMPLETED",
                "narrative_6": "Every CP plan due for review in the period was reviewed within timescales.",
                "target_12": "100%, sustained",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Booking review conferences in advance must continue as numbers rise.",
            },
            {
                "reference": "3.M3",
                "description": "Statutory visits to children on CP plans within 10 working days",
                "target": "90%",
                "status_6": "COMPLETED",
                "narrative_6": "96% of visits to children on CP plans were within timescale, and 91% of children were seen alone.",
                "target_12": "95%, with at least 90% of children seen alone",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Visit quality, not only timeliness, to be tested through case file audits.",
            },
            {
                "reference": "3.M4",
                "description": "First core groups held within 10 working days",
                "target": "90%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "88% of first core groups were held within 10 working days.",
                "target_12": "95%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The new core group template must be used consistently and minutes filed within 5 working days.",
            },
            {
                "reference": "3.M5",
                "description": "Child in need plans reviewed within three months",
                "target": "85%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "79% of CIN plans were reviewed within three months.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Plans open for more than 12 months must be reviewed and stepped down or closed where appropriate.",
            },
            {
                "reference": "3.M6",
                "description": "Average time in PLO pre-proceedings",
                "target": "No more than 16 weeks",
                "status_6": "COMPLETED",
                "narrative_6": "The average time in pre-proceedings has fallen from 21 weeks to 14 weeks.",
                "target_12": "No more than 12 weeks",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Parallel planning and earlier family group conferences needed to shorten pre-proceedings further.",
            },
            {
                "reference": "3.M7",
                "description": "Children subject to a CP plan for a second or subsequent time",
                "target": "Below 18%",
                "status_6": "COMPLETED",
                "narrative_6": "17% of new CP plans were repeat plans, compared with 21% a year earlier.",
                "target_12": "Below 15%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Findings of the themed audit of repeat plans to be acted on.",
            },
            {
                "reference": "3.M8",
                "description": "Audited CP cases with a Signs of Safety safety plan",
                "target": "70%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "58% of sampled CP cases contained a safety plan written in the Signs of Safety format.",
                "target_12": "80%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Practice leads to continue monthly mapping sessions and the remaining staff to be trained.",
            },
        ],
    },
    # ------------------------------------------------------------------ 4
    {
        "number": 4,
        "title": "Improving outcomes for Looked After Children & Young People",
        "service_manager": "sm2",
        "actions": [
            {
                "reference": "4.1",
                "title": "Hold LAC statutory reviews on time",
                "measures_and_milestones": (
                    "Reviews scheduled in advance by the IRO service, with social work reports shared with the "
                    "child, carers and parents five working days beforehand."
                ),
                "key_targets": "95% of LAC reviews held within statutory timescales.",
                "progress": (
                    "Review timeliness has risen to 97%, and each looked after child now has the date of their "
                    "next review set at the end of every review. Late social work reports are escalated by the IRO "
                    "to the Team Manager."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 100,
                "retired_offset_days": None,
            },
            {
                "reference": "4.2",
                "title": "Relaunch the IRO escalation and dispute resolution protocol",
                "measures_and_milestones": (
                    "IRO escalations logged and tracked to resolution, with a quarterly IRO report to the Assistant "
                    "Director and SMT."
                ),
                "key_targets": "Every IRO escalation resolved at the informal stage within 10 working days; quarterly IRO report presented to SMT.",
                "progress": (
                    "The revised protocol has been agreed and 23 escalations were logged in the last quarter, mostly "
                    "about drift in permanence planning. 70% were resolved within 10 working days. The first "
                    "quarterly IRO report has been delayed by sickness absence in the IRO team and is at risk of "
                    "missing its deadline."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 205,
                "retired_offset_days": None,
            },
            {
                "reference": "4.3",
                "title": "Increase the number of care leavers in education, employment or training",
                "measures_and_milestones": (
                    "Personal advisers work with every care leaver on an up-to-date pathway plan; a dedicated "
                    "worker supports young people who are NEET."
                ),
                "key_targets": (
                    "At least 60% of care leavers aged 19 to 21 in education, employment or training; pathway plans "
                    "reviewed every six months."
                ),
                "progress": (
                    "54% of care leavers aged 19 to 21 are in education, employment or training, up from 48%. "
                    "Apprenticeships within the council have been ring-fenced for care leavers and three young "
                    "people started in the last quarter. Pathway plan reviews are up to date for 87% of care leavers."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 330,
                "retired_offset_days": None,
            },
            {
                "reference": "4.4",
                "title": "Improve placement stability for looked after children",
                "measures_and_milestones": (
                    "Placement stability meetings held whenever a placement is at risk of breakdown; a monthly "
                    "panel reviews every child with three or more moves."
                ),
                "key_targets": (
                    "No more than 10% of looked after children with three or more placements in a year; 70% of "
                    "children looked after for 2.5 years in the same placement for 2 years."
                ),
                "progress": (
                    "Stability meetings have been held in 19 cases and 14 placements were maintained. Short-term "
                    "instability is at 11% and long-term stability at 66%. Carers can now ask for therapeutic "
                    "support from the CAMHS looked after children team."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 300,
                "retired_offset_days": None,
            },
            {
                "reference": "4.5",
                "title": "Ensure every school-age looked after child has a good PEP",
                "measures_and_milestones": (
                    "Personal education plans completed every term for looked after children of school age and "
                    "quality-assured by the Virtual School."
                ),
                "key_targets": "95% of school-age looked after children have a PEP updated in the current term.",
                "progress": (
                    "97% of school-age looked after children have a current PEP, and the Virtual School rated 82% of "
                    "those sampled as good. Pupil premium plus funding is now linked to targets in the PEP. The "
                    "Virtual School's termly report will keep this under review."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 130,
                "retired_offset_days": None,
            },
            {
                "reference": "4.6",
                "title": "Complete health assessments for looked after children on time",
                "measures_and_milestones": (
                    "Initial health assessments requested within 5 working days of a child becoming looked after; "
                    "review health assessments tracked monthly with the looked after children nurses."
                ),
                "key_targets": "90% of initial health assessments within 20 working days; 95% of review health assessments and dental checks in date.",
                "progress": (
                    "Initial health assessments are completed within 20 working days in 71% of cases, held back "
                    "mainly by consent forms reaching health late. A consent checklist is now completed on the day "
                    "a child becomes looked after. Review health assessments are in date for 91% of children."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 270,
                "retired_offset_days": None,
            },
            {
                "reference": "4.7",
                "title": "Relaunch the Children in Care Council",
                "measures_and_milestones": (
                    "Children in Care Council relaunched with a participation officer; young people contribute to "
                    "service planning and sit on recruitment panels."
                ),
                "key_targets": "Council meets monthly; young people attend the Corporate Parenting Panel at least quarterly.",
                "progress": (
                    "The Children in Care Council has met every month since its relaunch, with an average of 11 "
                    "young people attending. Members presented their priorities to the Corporate Parenting Panel "
                    "and sat on interview panels for Team Managers. A participation pledge has been agreed."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 160,
                "retired_offset_days": None,
            },
            {
                "reference": "4.8",
                "title": "Agree a permanence plan for every looked after child by the second review",
                "measures_and_milestones": (
                    "Permanence plan agreed by the second statutory review and tracked by a monthly permanence "
                    "panel chaired by the Service Manager."
                ),
                "key_targets": "90% of looked after children have a permanence plan by their second review.",
                "progress": (
                    "The permanence panel has considered 42 children since it was set up. 78% of children now have "
                    "a permanence plan by their second review. Assessments for an SGO are being prioritised where "
                    "relatives have come forward."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 310,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "4.M1",
                "description": "LAC reviews held within statutory timescales",
                "target": "95%",
                "status_6": "COMPLETED",
                "narrative_6": "97% of LAC reviews were held within statutory timescales.",
                "target_12": "98%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Late social work reports must be eliminated so that no review is postponed.",
            },
            {
                "reference": "4.M2",
                "description": "Looked after children who contribute to their review",
                "target": "85%",
                "status_6": "COMPLETED",
                "narrative_6": (
                    "91% of looked after children aged 4 and over contributed to their review, in person, through "
                    "an advocate or in writing."
                ),
                "target_12": "95%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The Children in Care Council is designing a new consultation booklet for younger children.",
            },
            {
                "reference": "4.M3",
                "description": "Care leavers aged 19 to 21 in education, employment or training",
                "target": "58%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "54% of care leavers aged 19 to 21 are in education, employment or training, up from 48%.",
                "target_12": "At least 60%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Ring-fenced apprenticeships and support from the NEET worker must reach every care leaver not in training.",
            },
            {
                "reference": "4.M4",
                "description": "Looked after children with three or more placements in the last 12 months",
                "target": "No more than 12%",
                "status_6": "COMPLETED",
                "narrative_6": "11% of looked after children had three or more placements in the last 12 months.",
                "target_12": "No more than 10%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Stability meetings to be held in every case where a placement is at risk.",
            },
            {
                "reference": "4.M5",
                "description": "Children looked after for 2.5 years or more in the same placement for 2 years",
                "target": "68%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "66% of children looked after for 2.5 years or more have been in the same placement for 2 years.",
                "target_12": "70%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Therapeutic support for long-term carers to be taken up more widely.",
            },
            {
                "reference": "4.M6",
                "description": "School-age looked after children with a PEP updated this term",
                "target": "95%",
                "status_6": "COMPLETED",
                "narrative_6": "97% of school-age looked after children have a PEP updated this term.",
                "target_12": "98%, with 85% rated good by the Virtual School",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The quality of targets in each PEP, not only completion, needs to improve.",
            },
            {
                "reference": "4.M7",
                "description": "Initial health assessments completed within 20 working days",
                "target": "80%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "71% of initial health assessments were completed within 20 working days; late consent forms are the main cause.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The new consent checklist must be completed on the day every child becomes looked after.",
            },
            {
                "reference": "4.M8",
                "description": "Looked after children with a permanence plan by their second review",
                "target": "80%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "78% of looked after children had a permanence plan by their second review.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The permanence panel must consider every child before their second review.",
            },
            {
                "reference": "4.M9",
                "description": "Care leavers in suitable accommodation",
                "target": "85%",
                "status_6": "COMPLETED",
                "narrative_6": "89% of care leavers are in suitable accommodation and none is placed in bed and breakfast.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "A joint protocol with housing to be agreed for care leavers moving to independence.",
            },
        ],
    },
    # ------------------------------------------------------------------ 5
    {
        "number": 5,
        "title": "Improving the quality of Fostering & Adoption provision",
        "service_manager": "sm3",
        "actions": [
            {
                "reference": "5.1",
                "title": "Launch a foster carer recruitment strategy and marketing plan",
                "measures_and_milestones": (
                    "Recruitment strategy and marketing plan targeting carers for teenagers, sibling groups and "
                    "parent and child placements."
                ),
                "key_targets": "Strategy approved by SMT; at least 40 initial enquiries a month.",
                "progress": (
                    "The strategy was approved and the campaign launched with local radio, bus advertising and "
                    "information evenings. Enquiries have averaged 46 a month since the launch, compared with 22 "
                    "before. Marketing is now business as usual and the action has been retired."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 60,
                "retired_offset_days": 110,
            },
            {
                "reference": "5.2",
                "title": "Redesign the fostering assessment process",
                "measures_and_milestones": (
                    "Fostering assessments tracked from initial visit to panel, with a pool of independent assessors "
                    "to remove delays."
                ),
                "key_targets": "80% of assessments presented to the fostering panel within six months of application.",
                "progress": (
                    "A pool of four independent assessors has cleared the backlog, and 10 of the last 12 assessments "
                    "reached panel within six months. The redesigned process is now standard practice, so the action "
                    "has been retired; timeliness continues to be tracked as a performance measure."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 120,
                "retired_offset_days": 170,
            },
            {
                "reference": "5.3",
                "title": "Increase in-house foster carers and reduce use of IFA placements",
                "measures_and_milestones": (
                    "Net increase in in-house fostering households, so that fewer children are placed with an IFA "
                    "far from home."
                ),
                "key_targets": "Net gain of 15 in-house fostering households; fostered children placed with an IFA reduced from 45% to 35%.",
                "progress": (
                    "There has been a net gain of 6 fostering households so far, with 9 assessments under way. 41% of "
                    "fostered children are currently placed with an IFA. Recruitment is now focused on carers for "
                    "older children, where the shortfall is greatest."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 340,
                "retired_offset_days": None,
            },
            {
                "reference": "5.4",
                "title": "Refresh the support and training offer for foster carers",
                "measures_and_milestones": (
                    "Supervising social worker visits every six weeks, a 24-hour support line and a core training "
                    "programme for all approved carers."
                ),
                "key_targets": (
                    "Every foster carer's annual review in date; Training, Support and Development Standards "
                    "completed within 12 months of approval."
                ),
                "progress": (
                    "The support offer has been launched and every approved foster carer has had an annual review "
                    "within timescale. 94% of carers approved in the last year have completed the Training, Support "
                    "and Development Standards, and the rest have agreed completion dates. Carers gave positive "
                    "feedback at the annual fostering forum."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 150,
                "retired_offset_days": None,
            },
            {
                "reference": "5.5",
                "title": "Introduce fostering for adoption and concurrent planning",
                "measures_and_milestones": (
                    "Policy agreed with legal services and the adoption panel; carers approved as both foster carers "
                    "and adopters."
                ),
                "key_targets": "At least three dual-approved carers; first placements made under the policy.",
                "progress": (
                    "The policy has been agreed and four sets of carers have been dual-approved. Two infants have "
                    "been placed through fostering for adoption, shortening the time between entering care and "
                    "moving in with their adoptive family."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 180,
                "retired_offset_days": None,
            },
            {
                "reference": "5.6",
                "title": "Improve adoption timeliness against the adoption scorecard",
                "measures_and_milestones": (
                    "Monthly adoption tracking meeting reviews every child with a plan for adoption, from the "
                    "decision to place through matching to placement."
                ),
                "key_targets": (
                    "Average of no more than 487 days from entering care to moving in with the adoptive family; "
                    "match within 121 days of the placement order."
                ),
                "progress": (
                    "The three-year average from entering care to placement is 512 days, and the average from "
                    "placement order to match is 148 days. The tracking meeting has identified 5 children for whom "
                    "family finding should start earlier. Inter-agency placements are used where no in-house match "
                    "is found within 3 months."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 330,
                "retired_offset_days": None,
            },
            {
                "reference": "5.7",
                "title": "Strengthen support for special guardians",
                "measures_and_milestones": (
                    "Support plan agreed before every special guardianship order is made, and a post-order support "
                    "service for special guardians."
                ),
                "key_targets": "Every SGO application has an agreed support plan; SGO assessments completed within court timescales.",
                "progress": (
                    "The support offer has been drafted after consultation with special guardians. Support plans are "
                    "in place for 8 of the 10 SGO applications made since the plan began. A post-order support "
                    "worker post has been approved and advertised."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 290,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "5.M1",
                "description": "Initial enquiries from prospective foster carers each month",
                "target": "40 a month",
                "status_6": "COMPLETED",
                "narrative_6": "Enquiries have averaged 46 a month since the campaign launched, against 22 before.",
                "target_12": "40 a month sustained, with 12% going on to apply",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Conversion from enquiry to application needs tracking through to panel.",
            },
            {
                "reference": "5.M2",
                "description": "Fostering assessments presented to panel within six months of application",
                "target": "75%",
                "status_6": "COMPLETED",
                "narrative_6": "10 of the last 12 assessments (83%) reached the fostering panel within six months.",
                "target_12": "85%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The independent assessor pool must be kept in place as enquiries increase.",
            },
            {
                "reference": "5.M3",
                "description": "Net gain in in-house fostering households",
                "target": "8 households",
                "status_6": "IN_PROGRESS",
                "narrative_6": "A net gain of 6 households, with 9 assessments under way.",
                "target_12": "15 households",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Assessments under way must reach panel and carers for teenagers must be found.",
            },
            {
                "reference": "5.M4",
                "description": "Fostered children placed with an IFA",
                "target": "40%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "41% of fostered children are placed with an independent fostering agency.",
                "target_12": "35%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "New in-house carers must be matched with children who would otherwise go to an IFA.",
            },
            {
                "reference": "5.M5",
                "description": "Foster carers with an annual review in date",
                "target": "95%",
                "status_6": "COMPLETED",
                "narrative_6": "Every approved foster carer has had an annual review within timescale.",
                "target_12": "100%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Reviews to continue to be scheduled at the previous review.",
            },
            {
                "reference": "5.M6",
                "description": "Carers approved for fostering for adoption",
                "target": "2 sets of carers",
                "status_6": "COMPLETED",
                "narrative_6": "Four sets of carers are dual-approved and two infants have been placed with them.",
                "target_12": "6 sets of carers",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Fostering for adoption to be considered for every infant with a plan for adoption.",
            },
            {
                "reference": "5.M7",
                "description": "Average days from entering care to moving in with the adoptive family (three-year average)",
                "target": "No more than 520 days",
                "status_6": "COMPLETED",
                "narrative_6": "The three-year average is 512 days, an improvement from 556 days.",
                "target_12": "No more than 487 days (adoption scorecard threshold)",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Family finding must start earlier for the children identified by the tracking meeting.",
            },
            {
                "reference": "5.M8",
                "description": "Average days from placement order to match",
                "target": "No more than 140 days",
                "status_6": "IN_PROGRESS",
                "narrative_6": "The average from placement order to match is 148 days.",
                "target_12": "No more than 121 days",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Inter-agency placements to be used promptly when no in-house match is available.",
            },
        ],
    },
    # ------------------------------------------------------------------ 6
    {
        "number": 6,
        "title": "Embedding new ways of working and improved practice management arrangements",
        "service_manager": "sm3",
        "actions": [
            {
                "reference": "6.1",
                "title": "Launch a revised supervision policy",
                "measures_and_milestones": (
                    "Supervision policy setting out reflective case supervision every 4 to 6 weeks, with a standard "
                    "recording template."
                ),
                "key_targets": "Policy launched to all staff; supervision template available in Liquid Logic.",
                "progress": (
                    "The revised policy was launched at a whole-service event and is on the intranet. The template is "
                    "built into Liquid Logic so that case decisions appear on the child's record. No further progress "
                    "is required and the action has been retired."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 60,
                "retired_offset_days": 130,
            },
            {
                "reference": "6.2",
                "title": "Make sure every social worker receives regular, good-quality supervision",
                "measures_and_milestones": (
                    "Monthly supervision compliance report for each team; Service Managers dip-sample supervision "
                    "records for quality."
                ),
                "key_targets": (
                    "95% of social workers supervised every 4 to 6 weeks; 80% of dip-sampled records rated good for "
                    "reflection and clear actions."
                ),
                "progress": (
                    "Supervision is recorded within 6 weeks for 87% of social workers. A dip sample of 30 records "
                    "rated 63% as good, with actions not always followed up at the next session. Team Managers "
                    "have attended a two-day supervision skills course."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 300,
                "retired_offset_days": None,
            },
            {
                "reference": "6.3",
                "title": "Simplify case recording in Liquid Logic",
                "measures_and_milestones": (
                    "Case recording workflows simplified by removing duplicate forms for assessments, plans and "
                    "visits, with a super-user in every team."
                ),
                "key_targets": "Duplicate forms removed; recording guidance issued; staff report spending less time on recording.",
                "progress": (
                    "Seven duplicate forms have been removed, and assessment and plan templates now pre-populate from "
                    "existing records. Recording guidance has been issued. In a pulse survey 68% of staff said "
                    "recording now takes less time."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 140,
                "retired_offset_days": None,
            },
            {
                "reference": "6.4",
                "title": "Hold monthly performance clinics with every team",
                "measures_and_milestones": (
                    "Monthly performance clinic chaired by the AD, at which each Team Manager presents the team's "
                    "performance data and exceptions."
                ),
                "key_targets": "Clinic held every month with every team represented; actions tracked to completion.",
                "progress": (
                    "A performance clinic has been held every month since the plan started, attended by every Team "
                    "Manager. 92% of actions agreed at one clinic have been completed by the next. The clinics are "
                    "now a fixed part of the performance management framework."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 90,
                "retired_offset_days": None,
            },
            {
                "reference": "6.5",
                "title": "Publish practice standards for each stage of the child's journey",
                "measures_and_milestones": (
                    "Practice standards setting out what good looks like for visits, assessments, plans, supervision "
                    "and recording."
                ),
                "key_targets": "Standards published and briefed to every team; compliance tested through the monthly audit programme.",
                "progress": (
                    "Draft practice standards have been written with front-line staff and consulted on in team "
                    "meetings. They will be launched at the next whole-service event. Audit tools are being updated "
                    "so that compliance can be tested from launch."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 260,
                "retired_offset_days": None,
            },
            {
                "reference": "6.6",
                "title": "Equip social workers for mobile and flexible working",
                "measures_and_milestones": (
                    "Laptops with secure remote access issued to social workers so that visits can be recorded from "
                    "the community."
                ),
                "key_targets": "Every social worker has a laptop and remote access; 90% of visits recorded within 24 hours.",
                "progress": (
                    "Laptops with secure remote access have been issued to 64% of social workers, starting with the CP "
                    "and LAC teams. In those teams 78% of visits are now recorded within 24 hours. Roll-out to the "
                    "remaining teams depends on the next delivery of devices."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 320,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "6.M1",
                "description": "Social workers supervised every 4 to 6 weeks",
                "target": "85%",
                "status_6": "COMPLETED",
                "narrative_6": "87% of social workers received supervision within six weeks.",
                "target_12": "95%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Team Managers must protect supervision time as new staff join.",
            },
            {
                "reference": "6.M2",
                "description": "Dip-sampled supervision records rated good",
                "target": "70%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "63% of 30 dip-sampled supervision records were rated good.",
                "target_12": "80%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Actions agreed in supervision must be followed up and recorded at the next session.",
            },
            {
                "reference": "6.M3",
                "description": "Monthly performance clinics held with all teams",
                "target": "Every month, all teams represented",
                "status_6": "COMPLETED",
                "narrative_6": "Six clinics have been held with every Team Manager attending; 92% of actions were completed on time.",
                "target_12": "Monthly clinics sustained, with every action tracked to completion",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Clinics to extend to Service Managers' own areas and partner data.",
            },
            {
                "reference": "6.M4",
                "description": "Visits recorded within 24 hours",
                "target": "85%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "78% of visits were recorded within 24 hours in teams with laptops, and 69% across the service.",
                "target_12": "90%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Every social worker must have a laptop and remote access.",
            },
            {
                "reference": "6.M5",
                "description": "Staff who say case recording takes less time",
                "target": "60%",
                "status_6": "COMPLETED",
                "narrative_6": "68% of staff said recording takes less time since the changes to Liquid Logic.",
                "target_12": "75%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Further simplification of review and closure forms is planned.",
            },
            {
                "reference": "6.M6",
                "description": "Social workers with a laptop and secure remote access",
                "target": "60%",
                "status_6": "COMPLETED",
                "narrative_6": "64% of social workers have been issued with a laptop and secure remote access.",
                "target_12": "100%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The next delivery of devices must be received and issued.",
            },
            {
                "reference": "6.M7",
                "description": "Practice standards published and briefed to teams",
                "target": "Standards published to all teams",
                "status_6": "IN_PROGRESS",
                "narrative_6": "The standards have been drafted and consulted on; their launch is planned for the next whole-service event.",
                "target_12": "At least 80% compliance in the monthly audit",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Audit tools must test compliance with the standards from launch.",
            },
        ],
    },
    # ------------------------------------------------------------------ 7
    {
        "number": 7,
        "title": "Effective Quality Assurance",
        "service_manager": "sm3",
        "actions": [
            {
                "reference": "7.1",
                "title": "Agree a quality assurance framework for the service",
                "measures_and_milestones": (
                    "Framework bringing together case file audits, thematic audits, performance data and feedback "
                    "from children, families and partners, reporting to a quarterly quality assurance board."
                ),
                "key_targets": "Framework approved by SMT and published to all staff.",
                "progress": (
                    "The framework has been approved by SMT and launched with all managers. The first quarterly "
                    "quality assurance board has met and agreed how learning will be fed back to teams."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 75,
                "retired_offset_days": None,
            },
            {
                "reference": "7.2",
                "title": "Run a monthly programme of case file audits by managers",
                "measures_and_milestones": (
                    "Every Team Manager and Service Manager audits two case files a month with the standard audit "
                    "tool; a sample is moderated by the quality assurance team."
                ),
                "key_targets": "At least 95% of planned audits completed; 60% of audited cases rated good or better.",
                "progress": (
                    "88% of planned audits were completed in the last quarter. 47% of audited cases were rated good "
                    "or better and 9% inadequate, with weaknesses mainly in the quality of plans and evidence of "
                    "management oversight. Findings are discussed with the allocated social worker after each audit."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 330,
                "retired_offset_days": None,
            },
            {
                "reference": "7.3",
                "title": "Moderate audit grades through a monthly panel",
                "measures_and_milestones": (
                    "Moderation panel checks the consistency of audit grades, with findings reported to the quality "
                    "assurance board."
                ),
                "key_targets": "10% of audits moderated each month; moderated grade agrees with the auditor's grade in 80% of cases.",
                "progress": (
                    "The panel meets monthly and has moderated 24 audits, with grades agreeing in 83% of cases. "
                    "Auditors whose grades differed received feedback and the audit guidance has been clarified."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 180,
                "retired_offset_days": None,
            },
            {
                "reference": "7.4",
                "title": "Complete a programme of thematic audits",
                "measures_and_milestones": (
                    "Programme of thematic audits covering neglect, children at risk of CSE, repeat CP plans and "
                    "the voice of the child."
                ),
                "key_targets": "One thematic audit completed each quarter, with an action plan reported to the LSCB.",
                "progress": (
                    "The first thematic audit, on neglect, is complete and its action plan agreed. The audit of "
                    "children at risk of CSE is under way jointly with police and health. The audit of repeat CP "
                    "plans is scheduled for the next quarter."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 290,
                "retired_offset_days": None,
            },
            {
                "reference": "7.5",
                "title": "Produce a monthly performance scorecard",
                "measures_and_milestones": (
                    "Monthly scorecard for SMT covering every indicator in the plan, with team-level reports "
                    "available to managers."
                ),
                "key_targets": "Scorecard issued by the tenth working day of each month, with comparison to statistical neighbours.",
                "progress": (
                    "The scorecard has been issued by the tenth working day every month and compares performance with "
                    "statistical neighbours and the national average. Team-level reports are available to managers "
                    "in Liquid Logic."
                ),
                "status": "COMPLETED",
                "deadline_offset_days": 110,
                "retired_offset_days": None,
            },
            {
                "reference": "7.6",
                "title": "Gather feedback from children, families and partners",
                "measures_and_milestones": (
                    "Feedback collected systematically from children, young people, families and partner agencies "
                    "and used to shape practice."
                ),
                "key_targets": "Feedback from at least 10% of families at case closure; findings reported quarterly to the quality assurance board.",
                "progress": (
                    "A feedback form for families at case closure has produced 61 responses, 72% of them positive. "
                    "A version for young people has been designed with the Children in Care Council. The first "
                    "quarterly feedback report goes to the quality assurance board next month."
                ),
                "status": "IN_PROGRESS",
                "deadline_offset_days": 310,
                "retired_offset_days": None,
            },
        ],
        "measures": [
            {
                "reference": "7.M1",
                "description": "Quality assurance framework in place",
                "target": "Framework approved and published",
                "status_6": "COMPLETED",
                "narrative_6": "The framework was approved by SMT and published to all staff; the quality assurance board has met once.",
                "target_12": "Framework reviewed after a year in operation",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Review to test whether learning from audits is changing practice.",
            },
            {
                "reference": "7.M2",
                "description": "Planned case file audits completed",
                "target": "90%",
                "status_6": "IN_PROGRESS",
                "narrative_6": "88% of planned audits were completed in the quarter.",
                "target_12": "95%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Audit slots to be protected in managers' diaries.",
            },
            {
                "reference": "7.M3",
                "description": "Audited cases rated good or better",
                "target": "45%",
                "status_6": "COMPLETED",
                "narrative_6": "47% of audited cases were rated good or better; 9% were inadequate.",
                "target_12": "60%, with no more than 5% inadequate",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The quality of plans and management oversight must improve.",
            },
            {
                "reference": "7.M4",
                "description": "Moderated audits where the grades agree",
                "target": "75%",
                "status_6": "COMPLETED",
                "narrative_6": "Grades agreed in 83% of the 24 moderated audits.",
                "target_12": "85%",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Auditor workshops to be held on the clarified guidance.",
            },
            {
                "reference": "7.M5",
                "description": "Thematic audits completed",
                "target": "Two audits",
                "status_6": "IN_PROGRESS",
                "narrative_6": "One thematic audit (neglect) is complete and the second (CSE) is under way.",
                "target_12": "Four thematic audits completed, with action plans reported to the LSCB",
                "status_12": "IN_PROGRESS",
                "narrative_12": "The CSE and repeat CP plan audits must be completed.",
            },
            {
                "reference": "7.M6",
                "description": "Monthly performance scorecard issued on time",
                "target": "By the tenth working day each month",
                "status_6": "COMPLETED",
                "narrative_6": "The scorecard has been issued by the tenth working day every month.",
                "target_12": "Scorecard sustained and shared with committee every quarter",
                "status_12": "IN_PROGRESS",
                "narrative_12": "A committee version of the scorecard is to be agreed with members.",
            },
            {
                "reference": "7.M7",
                "description": "Families giving feedback at case closure",
                "target": "10% of closures",
                "status_6": "IN_PROGRESS",
                "narrative_6": "61 responses have been received, representing 7% of closures.",
                "target_12": "15%, with feedback from young people reported separately",
                "status_12": "IN_PROGRESS",
                "narrative_12": "Feedback to be requested by the social worker at the closing visit, not only by post.",
            },
        ],
    },
]


# --- the history: the months from the plan's start to the seed day, played through the real services -----
#
# Offsets are days from the plan's start, like the deadlines; the seed day is day -PLAN_START_OFFSET_DAYS
# (183). The plan is loaded on day 0, the committee last saw it in "July" (day 120), and the report is
# written in "September" for the meeting on the seed day in "October". Each action below is loaded IN
# PROGRESS, with HISTORY_EARLIER_PROGRESS, and brought to COMPLETED (with its progress above) by a proposal
# with evidence and a justification, approved by the project manager on its own day; retirements are the
# project manager's, on each action's retired_offset_days.

JULY_MEETING_OFFSET_DAYS = 120  # the meeting the plan was last presented to, and presented on that day
JULY_MEETING_RECORDED_OFFSET_DAYS = 92  # the clerk recorded it about a month before
OCTOBER_MEETING_RECORDED_OFFSET_DAYS = 165  # recorded in "September"; the meeting is on the seed day
WAITING_PROPOSAL_OFFSET_DAYS = 181  # the proposal still waiting in the review queue on the seed day
PROPOSAL_LEAD_DAYS = 3  # a completion is proposed this many days before it is approved

HISTORY_EARLIER_PROGRESS = (
    "Work is under way and on course. Evidence of completion will be brought to the project manager's "
    "monthly challenge session."
)


class CompletionSeed(TypedDict):
    reference: str  # an action whose seed status is COMPLETED
    approved_offset_days: int  # when the project manager approved it, from the plan's start
    justification: str  # why the status changes: what the service manager wrote
    evidence_title: str
    evidence_note: str  # what the evidence shows
    approval_note: str  # the project manager's decision note


# Completed before the July meeting: the figures that meeting was shown (21 COMPLETED, 31 IN PROGRESS).
# (reference, approved on day): at least one every four weeks, each well before its deadline.
COMPLETED_BEFORE_JULY: list[tuple[str, int]] = [
    ("2.1", 10),
    ("1.8", 17),
    ("5.1", 22),
    ("6.1", 27),
    ("1.4", 34),
    ("7.1", 40),
    ("1.1", 45),
    ("2.2", 50),
    ("3.4", 55),
    ("6.4", 58),
    ("4.1", 63),
    ("7.5", 68),
    ("1.2", 73),
    ("2.4", 78),
    ("3.2", 83),
    ("5.2", 87),
    ("4.5", 92),
    ("6.3", 98),
    ("2.6", 104),
    ("3.7", 109),
    ("5.4", 114),
]
BEFORE_JULY_APPROVAL_NOTE = "Evidence checked at the monthly challenge session: the key target is met."

# The four changes since July that the October report lists, one in each of "August", early and late
# "September" and early "October".
COMPLETED_SINCE_JULY: list[CompletionSeed] = [
    {
        "reference": "1.6",
        "approved_offset_days": 138,
        "justification": (
            "The refreshed ASYE programme is in place: every newly qualified social worker was enrolled within "
            "four weeks of starting and none holds more than 12 cases, so the key target is met."
        ),
        "evidence_title": "Completion evidence for action 1.6: ASYE enrolment and caseload report",
        "evidence_note": "Enrolment dates and caseloads of all eight newly qualified social workers, from the HR system.",
        "approval_note": (
            "Checked the enrolment dates and caseloads against the HR record with the practice educator: "
            "the key target is met."
        ),
    },
    {
        "reference": "4.7",
        "approved_offset_days": 156,
        "justification": (
            "The Children in Care Council has met every month since its relaunch and its members have presented "
            "their priorities to the Corporate Parenting Panel, which is what the action asked for."
        ),
        "evidence_title": "Completion evidence for action 4.7: Children in Care Council minutes and Corporate Parenting Panel agenda",
        "evidence_note": "Minutes of each monthly meeting since the relaunch, and the panel agenda with the members' item.",
        "approval_note": (
            "Attendance records and the panel minutes confirm monthly meetings and the young people's "
            "presentation. Approved."
        ),
    },
    {
        "reference": "5.5",
        "approved_offset_days": 171,
        "justification": (
            "The fostering for adoption policy is agreed, four sets of carers are dual-approved and the first "
            "two placements have been made under it: both key targets are met."
        ),
        "evidence_title": "Completion evidence for action 5.5: Fostering panel approvals and placement record",
        "evidence_note": "Panel minutes approving the four dual-approved carers, and the two placement records.",
        "approval_note": "Panel minutes and placement records checked with the fostering service manager. Approved.",
    },
    {
        "reference": "7.3",
        "approved_offset_days": 179,
        "justification": (
            "The moderation panel has met monthly, moderating more than 10% of audits, and grades agreed in 83% "
            "of cases against a target of 80%."
        ),
        "evidence_title": "Completion evidence for action 7.3: Audit moderation panel log",
        "evidence_note": "The panel's log of the 24 moderated audits, with the auditor's and the moderated grades.",
        "approval_note": "Sampled six moderated audits from the log: grades and feedback recorded as stated. Approved.",
    },
]

# Why the project manager retired each retired action, on its retired_offset_days.
RETIREMENT_REASONS: dict[str, str] = {
    "1.1": "Permanent Team Managers are in post and the target is met; no further progress is needed.",
    "1.2": "Every Service Manager post is filled permanently; no further progress is needed.",
    "2.1": "All partners work in the MASH full time under a signed protocol; the MASH steering group oversees it.",
    "5.1": "Foster carer marketing is now business as usual; enquiries are tracked as a performance measure.",
    "5.2": "The redesigned assessment process is standard practice; timeliness is tracked as a performance measure.",
    "6.1": "The revised supervision policy is launched and built into Liquid Logic; no further progress is needed.",
}

# The proposal waiting for the project manager on the seed day (an update to a work stream iv action).
WAITING_PROPOSAL_ADDITION = "A further two permanent social workers start next month."
WAITING_PROPOSAL_JUSTIFICATION = "Two offers were accepted this week; start dates are agreed with HR."

# The committee report's contact officer, for both meetings.
CONTACT_OFFICER = "Vince Clark"
CONTACT_TELEPHONE = "01895 250498"
REPORT_AUTHOR = "Helen Marsh, Project Manager"

# The source report's own words, as both meetings' narrative. The braces are filled in when a report is
# built: {as_of_month} (the month the report speaks for), {meeting_date}, {checkpoint} (6 or 12),
# {plan_start_month}, {last_meeting_month}, {next_report_month} and {twelve_month_report_month}. The
# figures (paragraphs 4 and 8) are computed by the report, not written here. Bullets: a line per bullet,
# after a line of lead-in, each starting "- ".
REPORT_NARRATIVE: dict[str, str] = {
    "reason_for_item": (
        "This report aims to provide a summary of the status of the CYPS Service Improvement Plan as of "
        "{as_of_month}. The Plan gives an overview of all of the key areas of activity and details of the current "
        "stage of improvement work within Children and Young People Social Care. Within the context of the "
        "Department's overall plan, this paper sets out progress against each work stream and our performance "
        "measures at {checkpoint} months."
    ),
    "recommendation": (
        "It is recommended that the Committee notes the development of the Service Improvement Plan and progress "
        "undertaken to date, and comments as appropriate on the direction of travel and pace of improvements "
        "within the service."
    ),
    "sip_paragraph_intro": (
        "In {plan_start_month} the Children's Social Care Services Improvement Plan (SIP) was developed using the "
        "Transformation Children's Pathway work streams. The SIP acknowledges the urgency required to deliver "
        "better outcomes for children within the borough. It enhances the work already completed as part of the "
        "previous Ofsted Improvement Plan and ensures that recent improvements are sustained and built upon.\n\n"
        "Each work stream has an Action Plan which contains the details of our progress against our performance "
        "milestones and targets. The Action Plan is a 'live' document and due to the dynamic nature of the "
        "Service the Plan is updated on an ongoing basis. Following the Committee meeting in "
        "{last_meeting_month}, Members requested greater transparency and a clearer audit trail surrounding "
        "changes made to the Plan. This request has been accommodated in the Action Plans which are being "
        "presented today (please refer to Appendix 3). The plan is now supported by a dedicated project manager "
        "who coordinates the monitoring of the plan and provides an independent challenge to the Service to "
        "provide evidence of progress against each of the actions. The Committee will also note that there is "
        "now a summary graph which illustrates the number of COMPLETED, IN PROGRESS or STATIC actions by work "
        "stream, for easier and more effective monitoring of actions. The action plan is reviewed and monitored "
        "regularly by the Assistant Director, Children's Social Care and by the Director and the senior "
        "management team (SMT)."
    ),
    "action_plans_changes": (
        "To improve the visibility and monitoring of our actions against key targets, the following changes have "
        "been made to the Action Plans, they are:\n"
        '- The order and titles of columns: "Performance Measures and Milestones", "Key targets" and "Progress - '
        'Actions" has changed slightly so that the information between the assigned action and its status i.e. '
        "what we are doing and where we are, flows better to tell the story of improvement;\n"
        '- The "Status" column is new. It contains three options to inform the service and the Committee about '
        "whether an action is COMPLETED, IN PROGRESS or STATIC. A red, amber, green (RAG) rating has been applied "
        "for easier identification and more effective and informed monitoring against each action;\n"
        '- The "Changes post {last_meeting_month}" column is also new and aims to inform the Committee of any '
        "changes that may have taken place since the last Plan was presented to them in {last_meeting_month}. "
        "This column aims to clearly explain the justification and rationale for any changes that may have "
        "occurred;\n"
        "- At the bottom of each work stream there is now a box which contains a summary of each COMPLETED, "
        "IN PROGRESS or STATIC action (by number and as a percentage of the total actions);\n"
        "- Any actions which have been fully COMPLETED i.e. where no further progress is required are recorded "
        'in the "Retired Actions" box. This is applicable for work streams 1, 2, 5 and 6; and\n'
        "- Where actions are STATIC or in danger of not meeting their deadline these are being pulled into our "
        "risk register which are being monitored more closely (by Service Managers and SMT) with mitigating and "
        "remedial actions in place to ensure they get back on track."
    ),
    "forward_look": (
        "In Quarter 3 we are developing a work stream for the Early Intervention Service which we will present to "
        "the Committee at the next quarterly update which is due in {next_report_month}."
    ),
    "progress_update": (
        "The service has continued to make steady progress from the last period of reporting. Although high "
        "percentages of interim staffing are still used, turnover is low and significant progress has been made "
        "in the recruitment of permanent Team Managers and Service Managers. A national recruitment process is "
        "now underway to recruit permanent social workers into the service over the autumn. The demand and "
        "through-put of work into the service has remained relatively high and this has resulted in higher number "
        "of children subject to a child protection (CP) plan. However Looked After Children (LAC) numbers have "
        "remained relatively stable. All statutory CP and LAC cases are allocated and social workers caseloads "
        "have remained stable with an average of 16 per worker. This compares favourably to other London "
        "Boroughs and will be a main 'selling point' in our recruitment process."
    ),
    "measures_paragraph_outro": (
        "Progress against these measures is also discussed with Service Managers and is being scrutinised and "
        "tracked on a regular basis. In {twelve_month_report_month}, we will report back to the Committee about "
        "progress against the 12 month measures."
    ),
}
