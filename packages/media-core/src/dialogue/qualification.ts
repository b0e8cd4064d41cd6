// The lender's qualification rules, from configuration, and the check of a caller's facts.
import type { LoanFacts, LoanType } from './facts.js';
import { loanTypes } from './facts.js';

/** The rules a lead must meet to qualify; every field has a default. */
export interface QualificationRules {
  /** Least monthly income per loan type, in INR. */
  minMonthlyIncomeInr: Record<LoanType, number>;
  /** Highest FOIR (fixed obligations to income ratio: existing EMIs / monthly income), 0-1. */
  maxFoir: number;
  /** Largest amount per loan type, as a multiple of the caller's annual income. */
  maxAmountToAnnualIncome: Record<LoanType, number>;
  /** Amounts above this, in INR, go to a person instead of the bot (policy hand-off). */
  handOffAboveInr: number;
}

/** The defaults: a typical retail lender's entry rules. */
export const defaultQualificationRules: QualificationRules = {
  minMonthlyIncomeInr: {
    home: 25_000,
    personal: 20_000,
    business: 30_000,
    vehicle: 15_000,
    gold: 0,
  },
  maxFoir: 0.5,
  maxAmountToAnnualIncome: { home: 5, personal: 1, business: 3, vehicle: 1.5, gold: 2 },
  handOffAboveInr: 50_000_000,
};

/** Bad rules: names the field and the rule. */
export class QualificationConfigError extends Error {
  /** Stable code. */
  readonly code = 'DIALOGUE_BAD_RULES';
}

/** Partial rules as configured; what is left out keeps its default. */
export interface QualificationRulesInput {
  /** Overrides per loan type. */
  minMonthlyIncomeInr?: Partial<Record<LoanType, number>>;
  /** See QualificationRules.maxFoir. */
  maxFoir?: number;
  /** Overrides per loan type. */
  maxAmountToAnnualIncome?: Partial<Record<LoanType, number>>;
  /** See QualificationRules.handOffAboveInr. */
  handOffAboveInr?: number;
}

/** Merges configured rules over the defaults and checks them. */
export function qualificationRules(input: QualificationRulesInput = {}): QualificationRules {
  const rules: QualificationRules = {
    minMonthlyIncomeInr: {
      ...defaultQualificationRules.minMonthlyIncomeInr,
      ...input.minMonthlyIncomeInr,
    },
    maxFoir: input.maxFoir ?? defaultQualificationRules.maxFoir,
    maxAmountToAnnualIncome: {
      ...defaultQualificationRules.maxAmountToAnnualIncome,
      ...input.maxAmountToAnnualIncome,
    },
    handOffAboveInr: input.handOffAboveInr ?? defaultQualificationRules.handOffAboveInr,
  };

  for (const type of loanTypes) {
    checkNumber(`minMonthlyIncomeInr.${type}`, rules.minMonthlyIncomeInr[type], 0, Infinity);
    checkNumber(`maxAmountToAnnualIncome.${type}`, rules.maxAmountToAnnualIncome[type], 0, 100);
  }
  checkNumber('maxFoir', rules.maxFoir, 0, 1);
  checkNumber('handOffAboveInr', rules.handOffAboveInr, 1, Infinity);

  return rules;
}

function checkNumber(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new QualificationConfigError(`${field}: must be a number from ${min} to ${max}`);
  }
}

/** Why a lead did not qualify. */
export type DisqualifyReason = 'income_below_minimum' | 'foir_above_maximum' | 'amount_above_limit';

/** The verdict on a lead's facts. */
export interface QualificationResult {
  /** True when every rule passed. */
  qualified: boolean;
  /** The rules that failed (empty when qualified). */
  reasons: DisqualifyReason[];
  /** Existing EMIs / monthly income. */
  foir: number;
  /** Largest amount the income allows for this loan type, in INR. */
  maxAmountInr: number;
}

/** The facts a verdict needs. */
export type QualifyingFacts = Required<
  Pick<LoanFacts, 'loan_type' | 'amount_inr' | 'monthly_income_inr' | 'existing_emi_inr'>
>;

/** Checks a lead's facts against the rules. */
export function assessQualification(
  facts: QualifyingFacts,
  rules: QualificationRules,
): QualificationResult {
  const reasons: DisqualifyReason[] = [];
  const income = facts.monthly_income_inr;

  if (income < rules.minMonthlyIncomeInr[facts.loan_type]) reasons.push('income_below_minimum');

  const foir = facts.existing_emi_inr / income;
  if (foir > rules.maxFoir) reasons.push('foir_above_maximum');

  const maxAmountInr = income * 12 * rules.maxAmountToAnnualIncome[facts.loan_type];
  if (facts.amount_inr > maxAmountInr) reasons.push('amount_above_limit');

  return { qualified: reasons.length === 0, reasons, foir, maxAmountInr };
}
