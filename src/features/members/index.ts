export { MembersService, type MemberRow, type ActivityField } from './service.ts';
export { membersCommands } from "./handlers.ts";
