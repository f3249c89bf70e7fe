"""Abbreviations used in the improvement plan, the committee report and the demo data.

Pure data, standard library only. Sorted alphabetically by abbreviation, ignoring case.
"""

from __future__ import annotations

GLOSSARY: list[tuple[str, str]] = [
    ("AD", "Assistant Director"),
    (
        "ASYE",
        "Assessed and Supported Year in Employment: the first year of practice for a newly qualified social worker",
    ),
    ("CAMHS", "Child and Adolescent Mental Health Services"),
    (
        "CIN",
        "Child in need: a child assessed as needing services to achieve a reasonable standard of health or development",
    ),
    ("CP", "Child protection"),
    ("CSE", "Child sexual exploitation"),
    ("CYPS", "Children and Young People's Services"),
    ("DBS", "Disclosure and Barring Service: criminal record checks for staff working with children"),
    ("EET", "In education, employment or training"),
    ("GP", "General practitioner (family doctor)"),
    ("HR", "Human resources"),
    ("IFA", "Independent fostering agency"),
    (
        "IRO",
        "Independent Reviewing Officer: chairs the statutory reviews of a looked after child and challenges the plan",
    ),
    ("LAC", "Looked after children: children in the care of the local authority"),
    ("LSCB", "Local Safeguarding Children Board"),
    (
        "MASH",
        "Multi-agency safeguarding hub: police, health, education and children's social care "
        "deciding on contacts together",
    ),
    ("NEET", "Not in education, employment or training"),
    (
        "Ofsted",
        "Office for Standards in Education, Children's Services and Skills: the inspectorate for children's services",
    ),
    ("PEP", "Personal education plan for a looked after child"),
    ("PLO", "Public Law Outline: the court process and pre-proceedings stage for care cases"),
    ("QA", "Quality assurance"),
    (
        "RAG",
        (
            "Red, amber, green: how statuses are coloured. In this plan green is COMPLETED, amber is IN PROGRESS "
            "and red is STATIC; the status is always shown in words as well"
        ),
    ),
    ("SGO", "Special guardianship order"),
    ("SIP", "Service improvement plan"),
    ("SMT", "Senior management team"),
    ("SW", "Social worker"),
]
