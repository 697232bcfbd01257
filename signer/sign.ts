// Signing domains: check (or take a fresh check report), bundle, state, sign. Nothing that
// failed the check is signed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleDomain, bundleShadow } from '../runtime/kernel/bundle.ts';
import type { DomainBundle } from '../runtime/kernel/bundle.ts';
import { interfaceDigests } from '../runtime/idl/generated/index.ts';
import { POLICY_VERSION, TOOL_VERSION } from '../checker/version.ts';
import { makeArtifact, sha256 } from './artifact.ts';
import type { Artifact, Statement } from './artifact.ts';
import type { SigningKey } from './keys.ts';
import { checkInputs } from '../checker/domain/files.ts';

export class SignRefused extends Error {}

/** What a statement says of the check of generated glue alone (shadows): the IDL compiler's. */
const glueCheck: Statement['checker'] = { tool: 'redleaf-check', version: TOOL_VERSION, policy: POLICY_VERSION };

/**
 * Signs a bundle as checked by `checker`. The caller vouches for the check: `signDomain` runs
 * it; tests sign their own instruments with a key only their kernels trust.
 */
export function signBundle(bundle: DomainBundle, key: SigningKey, checker: Statement['checker'] = glueCheck): Artifact {
  return makeArtifact(bundle, key, checker, interfaceDigests);
}

/** The generic shadow domain of `iface`: generated glue only. */
export async function signShadow(iface: string, key: SigningKey): Promise<Artifact> {
  return signBundle(await bundleShadow(iface), key, glueCheck);
}

interface CheckReportLike {
  readonly domain: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly policy: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * A check report that still describes the domain in `dir`: it names exactly the files a check
 * covers now (a file added since would otherwise be signed unchecked), and every input's hash
 * matches.
 */
export function freshReport(file: string, repoRoot: string, dir: string): CheckReportLike | undefined {
  if (!existsSync(file)) return undefined;
  let report: CheckReportLike;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as CheckReportLike;
  } catch {
    return undefined; // unreadable (being written): check again
  }
  if (report.policy !== POLICY_VERSION || typeof report.inputs !== 'object' || report.inputs === null) return undefined;
  if (JSON.stringify(Object.keys(report.inputs).sort()) !== JSON.stringify(checkInputs(dir, repoRoot))) return undefined;
  for (const [rel, hash] of Object.entries(report.inputs)) {
    const abs = path.join(repoRoot, rel);
    if (!existsSync(abs) || sha256(readFileSync(abs)) !== hash) return undefined;
  }
  return report;
}

/**
 * Checks the domain in `dir` (or takes its fresh check report), bundles and signs it. Refuses
 * (SignRefused, with the violations) when the check fails.
 */
export async function signDomain(dir: string, key: SigningKey, options: { reportFile?: string; repoRoot: string }): Promise<{ artifact: Artifact; checked: 'report' | 'now' }> {
  let report = options.reportFile === undefined ? undefined : freshReport(options.reportFile, options.repoRoot, dir);
  let checked: 'report' | 'now' = 'report';
  if (report === undefined) {
    const { verifyDomains, checkReport, reportPath, writeReport } = await import('../checker/domain/verify.ts');
    const { formatDiagnostic } = await import('../checker/diagnostics.ts');
    const [result] = verifyDomains([dir]);
    if (result === undefined || result.diagnostics.length > 0 || result.manifest === undefined) {
      const lines = (result?.diagnostics ?? []).map((d) => formatDiagnostic(d));
      throw new SignRefused(`${path.relative(process.cwd(), dir) || dir} did not pass redleaf-check; not signed:\n${lines.join('\n')}`);
    }
    const fresh = checkReport(result);
    writeReport(fresh, options.reportFile ?? reportPath(result.manifest));
    report = fresh;
    checked = 'now';
  }
  const bundle = await bundleDomain(dir);
  if (bundle.manifest.name !== report.domain) throw new SignRefused(`${dir}: its check report is for ${report.domain}`);
  const artifact = signBundle(bundle, key, { tool: report.tool.name, version: report.tool.version, policy: report.policy, report: sha256(JSON.stringify(report.inputs)) });
  return { artifact, checked };
}
