/** Email rendering: pure functions from data to EmailMessage (HTML + plain text + headers). */
export { renderDigestEmail, digestSubject, topicPageUrl, dayPageUrl, paperPageUrl, listId } from './digest.js';
export type { DigestInput, SiteInfo, TopicRef } from './digest.js';
export { renderConfirmationEmail, renderAlreadySubscribedEmail } from './account.js';
export type { ConfirmationInput, AlreadySubscribedInput } from './account.js';
