/** pkg:npm/NAME@VERSION, the scope percent-encoded (`%40scope/name`), as the purl spec requires. Pure. */
export function npmPurl(name: string, version: string): string {
  const [scope, base] = name.startsWith('@') ? (name.split('/') as [string, string]) : [undefined, name];
  return `pkg:npm/${scope ? `${encodeURIComponent(scope)}/` : ''}${encodeURIComponent(base)}@${encodeURIComponent(version)}`;
}
