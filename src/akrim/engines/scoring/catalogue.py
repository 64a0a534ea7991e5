"""The catalogue of risk indicators: what each measures, why, from which agency's data, and
its innocent explanations. ``indicators.py`` computes them; the model card prints this."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    """One documented indicator. ``what`` states the exact measure and its scale."""

    code: str
    reason_en: str  # plain words for an inspector
    reason_sv: str
    what: str  # what is measured, exactly
    why: str  # why it points at crime
    data: str  # which agency's data
    innocent: str  # known innocent explanations


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="low_pay",
        reason_en="pay far below the industry's going rate",
        reason_sv="löner långt under branschens nivå",
        what=(
            "How far the company's typical monthly pay lies below its industry's going rate: "
            "each employee's median monthly gross pay in the last 12 months, divided by the "
            "median of all employees in the same SNI code (the 2-digit division, or all "
            "industries, when fewer than 20 employees share the code); the company's median "
            "ratio r is shrunk towards 1 as if one more employee were paid the going rate, "
            "and the value is -log2(r), cut to 0..2 (1 = half the going rate)."
        ),
        why=(
            "Wages far below the collective agreements are the core of labour exploitation "
            "and often go with pay declared for fewer hours than are worked (the rest in cash)."
        ),
        data="Skatteverket: employer declarations at individual level (AGI)",
        innocent=(
            "Part-time staff, apprentices and trainees, employees who started or left "
            "mid-month, owners who take dividends instead of salary."
        ),
    ),
    Indicator(
        code="short_jobs",
        reason_en="many very short employments",
        reason_sv="många mycket korta anställningar",
        what=(
            "Share of the company's employment spells (consecutive months in which one "
            "person is paid by the company) in the last 12 months that last at most two "
            "months, counting only spells that both start and end inside the period the "
            "company was active (spells cut off by the period's edges are not known to be "
            "short); the share is taken as short / (all + 2), so 0..1 with small firms damped."
        ),
        why=(
            "Workers moved between the firms of a network month by month, or hired and "
            "dropped to stay under the radar, show as strings of one- or two-month "
            "employments."
        ),
        data="Skatteverket: employer declarations at individual level (AGI)",
        innocent=(
            "Seasonal work, temporary staff for peaks, probation periods that ended, "
            "students' summer jobs."
        ),
    ),
    Indicator(
        code="few_declared",
        reason_en="too few declared staff for the kind of site",
        reason_sv="för få anmälda anställda för den sortens arbetsplats",
        what=(
            "For a company that declares employees in the latest month: log2 of the people a "
            "site needs over the people it has. Needed per workplace: the larger of the "
            "typical declared staff per workplace of employing companies in the same SNI code "
            "(median; the 2-digit division or all industries when fewer than 20 share the "
            "code) and the weekly opening hours / 40 (full-time people to have one person "
            "present). Had: declared employees per workplace, plus one working owner for a "
            "sole trader or partnership (EF, HB, KB) spread over its workplaces. Cut to 0..4 "
            "(1 = half the staff needed). Companies that declare no one score 0 here."
        ),
        why=(
            "A firm that declares a few employees while running a site that needs many is "
            "the typical picture of staff working off the books beside a declared few."
        ),
        data=(
            "Skatteverket: employer declarations (AGI); the workplace register's industry and "
            "opening hours; Bolagsverket: legal form"
        ),
        innocent=(
            "Staff hired through an agency or subcontractor, family members helping, owners "
            "of limited companies working without salary, opening hours out of date, a "
            "small firm in an industry of large ones."
        ),
    ),
    Indicator(
        code="no_registration",
        reason_en="F-tax or employer registration missing while operating",
        reason_sv="saknar F-skatt eller arbetsgivarregistrering trots verksamhet",
        what=(
            "Registrations missing for an operating company with a workplace: 1 when it is "
            "not approved for F-tax, plus 1 when it is not registered as an employer although "
            "it declares pay or runs a site that must keep a staff ledger; 0..2."
        ),
        why=(
            "Running a business without F-tax or without employer registration keeps income "
            "and wages outside taxation; such firms are used for undeclared work."
        ),
        data="Skatteverket: F-tax and employer registers",
        innocent=(
            "Registration pending for a newly started firm, a firm that is winding down, "
            "a small ledger-sector firm where the owner works alone."
        ),
    ),
    Indicator(
        code="serial_officer",
        reason_en="a board member or signatory took seats on many firms lately",
        reason_sv="styrelseledamot eller firmatecknare som nyligen tagit plats i många bolag",
        what=(
            "The largest number n, among the company's current board members, chairs, "
            "deputies, CEOs and signatories, of other companies in which that person took "
            "such a role in the last three years; the value is (n - 3) / 3, cut to 0..3 "
            "(up to three other firms is common and counts 0; six other firms = 1)."
        ),
        why=(
            "Straw men (målvakter) are put on the boards of many firms in a short time to "
            "hide who really runs them."
        ),
        data="Bolagsverket: company officers (roles)",
        innocent=(
            "Professional board members, owners of a group of companies, accountants or "
            "lawyers who help start firms."
        ),
    ),
    Indicator(
        code="bankrupt_links",
        reason_en="people in charge were in charge of firms that went bankrupt",
        reason_sv="företrädare har haft roller i bolag som gått i konkurs",
        what=(
            "Number of other companies that went bankrupt in the last five years in which "
            "any of the company's current role holders (board, chair, CEO, deputy, "
            "signatory, owner, beneficial owner) ever held a role; cut to 0..3."
        ),
        why=(
            "Repeated bankruptcies let unpaid taxes, wages and fees be left behind; the same "
            "people then run the next firm."
        ),
        data="Bolagsverket: company officers and bankruptcies",
        innocent=(
            "Honest business failure; professional board members and administrators who "
            "sat on a failed firm; a bankruptcy caused by a customer's default."
        ),
    ),
    Indicator(
        code="phoenix",
        reason_en="new firm at the address of a bankrupt one, with the same people",
        reason_sv="nytt bolag på ett konkursbolags adress, med samma personer",
        what=(
            "1 when the company was registered between one year before and two years after "
            "another company at the same address (street address and postal code) went "
            "bankrupt and the two share at least one person (a role holder or an employee); "
            "0.25 when only the address and timing match; else 0."
        ),
        why=(
            "A phoenix firm takes over the business, staff and premises of a firm that went "
            "bankrupt and leaves its debts (taxes, wages, fees) behind."
        ),
        data="Bolagsverket: registrations, bankruptcies, officers; Skatteverket: AGI",
        innocent=(
            "A new owner buying the business out of the bankruptcy estate and keeping the "
            "staff, which is legal and common."
        ),
    ),
    Indicator(
        code="shared_workers",
        reason_en="shares workers with firms already found in breach",
        reason_sv="delar anställda med företag där brister redan konstaterats",
        what=(
            "Share of the company's employees in the last 12 months who were also paid in "
            "that period by another company that had a finding at an earlier control, "
            "taken as shared / (employees + 1); 0..1."
        ),
        why=(
            "Networks move the same workers between their firms; a firm that shares staff "
            "with one already found in breach is likely part of the same operation."
        ),
        data="Skatteverket: AGI; the agencies' earlier joint controls and findings",
        innocent=(
            "Ordinary job changes in a local labour market, staffing agencies, people with "
            "two part-time jobs."
        ),
    ),
    Indicator(
        code="permit_underpaid",
        reason_en="permit holders paid less than their offer of employment",
        reason_sv="arbetstillståndsinnehavare får lägre lön än i anställningserbjudandet",
        what=(
            "Mean, over the company's work-permit holders who were paid by it during the "
            "permit, of the shortfall 1 - (median monthly gross pay in the permit's months "
            "of the last 12 months) / (monthly salary offered); shortfalls under 10 % count "
            "as 0; 0..1 (0.4 = paid 40 % less than offered)."
        ),
        why=(
            "A permit is granted on the offered salary; paying less is a breach of the "
            "permit's conditions and a common form of exploiting workers who depend on "
            "their employer for the right to stay."
        ),
        data="Migrationsverket: work permits and offers; Skatteverket: AGI",
        innocent=(
            "Unpaid leave, sick leave paid by Försäkringskassan, part of the pay declared "
            "in a later month, a permit holder who started late in a month."
        ),
    ),
    Indicator(
        code="earlier_findings",
        reason_en="earlier controls found breaches at this company",
        reason_sv="tidigare kontroller har hittat brister i företaget",
        what=(
            "Number of earlier controls with at least one finding at the company's other "
            "workplaces, plus those at this workplace before its latest control (the latest "
            "control's own outcome is what the model learns from, so it never predicts "
            "itself); cut to 0..3."
        ),
        why="Firms that broke the rules before often still do, or do again.",
        data="The agencies' earlier joint controls and findings",
        innocent="Breaches that were put right; a finding about a minor, formal matter.",
    ),
    Indicator(
        code="tips",
        reason_en="tips received",
        reason_sv="tips har kommit in",
        what=(
            "Number of tips in the two years before the reference date that name this "
            "workplace, or name the company without naming a workplace; cut to 0..5."
        ),
        why="Workers, competitors and the public see what registers do not.",
        data="Tips received by the agencies",
        innocent="Tips from competitors or in disputes; several tips about one event.",
    ),
    Indicator(
        code="young_company",
        reason_en="newly started company",
        reason_sv="nystartat företag",
        what=(
            "How new the company is: 1 - (years since registration) / 3, cut to 0..1 "
            "(1 = registered on the reference date, 0 = three years old or more)."
        ),
        why=(
            "Firms set up for a single contract, phoenix firms and firms fronted by straw "
            "men are young; breaches are more common in the first years."
        ),
        data="Bolagsverket: registration date",
        innocent="Most new firms are honest start-ups.",
    ),
    Indicator(
        code="industry_history",
        reason_en="an industry where earlier controls often found something",
        reason_sv="en bransch där tidigare kontroller ofta hittat brister",
        what=(
            "Share of earlier controls in the workplace's industry (2-digit SNI division) "
            "that found something, shrunk towards the share over all controls as if 10 more "
            "average controls had been made in the industry; a workplace's own controls are "
            "left out of its own value. 0..1."
        ),
        why=(
            "Some industries have many more breaches than others; this is the agencies' own "
            "experience, and today's selection rests mostly on it."
        ),
        data="The agencies' earlier joint controls and findings",
        innocent=(
            "Every firm in a risky industry carries it; controls went mostly to suspected "
            "firms, so the share overstates the industry's true rate."
        ),
    ),
)
"""The indicators in the order of the feature columns."""
