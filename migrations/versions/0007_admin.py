"""Admin: archived products, shipping carrier and tracking, who made each order step, support tickets

Revision ID: 0007_admin
Revises: 0006_audit
Create Date: 2026-11-25 00:11:00.128796

"""
from alembic import op
import sqlalchemy as sa

import storefront.database


# revision identifiers, used by Alembic.
revision = '0007_admin'
down_revision = '0006_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('email_digest', sa.String(length=64), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storefront.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storefront.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('personal_data_erased_at', storefront.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f('ck_support_ticket_status_known')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_support_ticket_opened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_support_ticket_order_id_shop_order'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_support_ticket_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_ticket')),
    sa.UniqueConstraint('reference', name=op.f('uq_support_ticket_reference'))
    )
    with op.batch_alter_table('support_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_ticket_email_digest'), ['email_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_ticket_user_id'), ['user_id'], unique=False)

    op.create_table('support_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=8), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', storefront.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("author IN ('customer', 'staff')", name=op.f('ck_support_message_author_known')),
    sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_support_message_staff_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_ticket.id'], name=op.f('fk_support_message_ticket_id_support_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_message'))
    )
    with op.batch_alter_table('support_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_message_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_order_event_staff_id_user'), 'user', ['staff_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', storefront.database.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carrier', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=80), nullable=True))



def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('tracking_number')
        batch_op.drop_column('carrier')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_event_staff_id_user'), type_='foreignkey')
        batch_op.drop_column('staff_id')
        batch_op.drop_column('note')

    with op.batch_alter_table('support_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_message_ticket_id'))

    op.drop_table('support_message')
    with op.batch_alter_table('support_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_ticket_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_updated_at'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_status'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_order_id'))
        batch_op.drop_index(batch_op.f('ix_support_ticket_email_digest'))

    op.drop_table('support_ticket')
