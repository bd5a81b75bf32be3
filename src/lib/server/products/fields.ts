/**
 * The fields a product's author fills in (contact, next meeting, analyst's text): `fields` blocks of
 * the content, addressed as `block.item`. Only existing fields take values; nothing else of the frozen
 * content changes.
 */
import type { ProductContent } from '../../contracts/products';

/** Longest text of one field. */
export const FIELD_MAX_CHARS = 4000;

/**
 * The content with the given fields' values replaced (`"3.1"` → block 3, item 1); unknown keys are
 * ignored, values are trimmed and cut at `FIELD_MAX_CHARS`.
 * @example withFilledFields(c, new Map([['2.0', 'PC Smith, 0207 …']]))
 */
export function withFilledFields(
	content: ProductContent,
	values: ReadonlyMap<string, string>
): ProductContent {
	return {
		...content,
		blocks: content.blocks.map((b, i) =>
			b.kind !== 'fields'
				? b
				: {
						...b,
						items: b.items.map((f, j) => {
							const v = values.get(`${i}.${j}`);
							return v === undefined ? f : { ...f, value: v.trim().slice(0, FIELD_MAX_CHARS) };
						})
					}
		)
	};
}
