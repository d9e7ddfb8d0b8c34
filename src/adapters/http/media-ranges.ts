const QUALITY = /^q=(\d+(?:\.\d*)?)$/;

/**
 * Whether an `Accept` header names `mediaType` itself (not a wildcard) with a quality above zero: `q=0` means
 * "not this one" (RFC 9110, 12.4.2). Types and parameter names are compared without regard to case.
 */
export function acceptsMediaType(accept: string, mediaType: string): boolean {
  const wanted = mediaType.toLowerCase();
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== wanted) return false;
    const quality = parameters.map((parameter) => QUALITY.exec(parameter.replace(/\s+/g, ''))).find(Boolean);
    return quality === undefined || Number(quality![1]) > 0;
  });
}
