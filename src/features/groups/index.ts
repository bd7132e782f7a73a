export { GroupService, type GroupRow } from './service.ts';
export { groupsCommands } from "./handlers.ts";
