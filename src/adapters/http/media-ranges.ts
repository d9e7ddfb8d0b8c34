const QUALITY = /^q=(\d+(?:\.\d*)?)$/;

interface MediaRange {
  type: string;
  quality: number;
}

/**
 * Whether an `Accept` header asks for `mediaType` rather than `alternative`: it names `mediaType` itself (not a
 * wildcard) with a quality above zero (`q=0` means "not this one") and at least the quality it gives
 * `alternative`, through the most specific range that matches that (RFC 9110, 12.5.1). Types and parameter
 * names are compared without regard to case.
 */
export function prefersMediaType(accept: string, mediaType: string, alternative: string): boolean {
  const ranges = mediaRanges(accept);
  const wanted = highestQuality(ranges, mediaType.toLowerCase());
  return wanted !== undefined && wanted > 0 && wanted >= qualityOf(ranges, alternative.toLowerCase());
}

function mediaRanges(accept: string): MediaRange[] {
  return accept.split(',').map((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const quality = parameters.map((parameter) => QUALITY.exec(parameter.replace(/\s+/g, ''))).find(Boolean);
    return { type: type!, quality: quality ? Number(quality[1]) : 1 };
  });
}

/** The quality the header gives a media type: that of its most specific matching range, `0` when none matches. */
function qualityOf(ranges: MediaRange[], mediaType: string): number {
  const wildcard = `${mediaType.split('/')[0]}/*`;
  return highestQuality(ranges, mediaType) ?? highestQuality(ranges, wildcard) ?? highestQuality(ranges, '*/*') ?? 0;
}

function highestQuality(ranges: MediaRange[], type: string): number | undefined {
  const qualities = ranges.filter((range) => range.type === type).map((range) => range.quality);
  return qualities.length === 0 ? undefined : Math.max(...qualities);
}
