/** True for content of which no character shows: an empty comment, however it was typed. */
export { isBlankText as isBlankContent } from '@app/grpc';
