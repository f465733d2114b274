"""sandbox card register: persons and cards as the administration system shows them

Revision ID: c7d2e3f4a5b6
Revises: b6c1d2e3f4a5
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.models.types


# revision identifiers, used by Alembic.
revision = 'c7d2e3f4a5b6'
down_revision = 'b6c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sandbox_register_persons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('hsa_id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('unit', sa.String(length=128), nullable=False),
        sa.Column('assignment_ends', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sandbox_register_persons', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_sandbox_register_persons_user_id'), ['user_id'], unique=False
        )
    op.create_table(
        'sandbox_register_cards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('card_number', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('deregistered_at', lms.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['person_id'], ['sandbox_register_persons.id'], ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sandbox_register_cards', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_sandbox_register_cards_person_id'), ['person_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('sandbox_register_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_register_cards_person_id'))
    op.drop_table('sandbox_register_cards')
    with op.batch_alter_table('sandbox_register_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_register_persons_user_id'))
    op.drop_table('sandbox_register_persons')
